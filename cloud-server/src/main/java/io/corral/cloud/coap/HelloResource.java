package io.corral.cloud.coap;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.corral.cloud.registry.DeviceRecord;
import io.corral.protocol.CorralProfile;
import io.corral.protocol.Messages;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * {@code POST /h}: the device introduces itself. Registers a live session (replacing the device's previous one,
 * whose subscriptions end) and answers 2.04 with the cloud's time and the keepalive it asks for.
 */
final class HelloResource extends ProfileResource {
    private static final String EXAMPLE = "{\"fw\":\"1.0.0\",\"product\":\"thermo\",\"sdk\":\"corral-java/0.1\","
            + "\"features\":[]}";

    HelloResource(ProfileServices services) {
        super(CorralProfile.PATH_HELLO, services);
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        String deviceId = requireDeviceId(exchange);
        if (deviceId == null) {
            return;
        }
        Optional<DeviceRecord> device = services.registry().findById(deviceId);
        if (device.isEmpty()) {
            // Authenticated a moment ago, so the device was removed from the registry since the handshake.
            respondError(exchange, ResponseCode.UNAUTHORIZED, "device " + deviceId + " is no longer registered");
            return;
        }
        Messages.Hello hello = parseJson(exchange, Messages.Hello.class, "hello", EXAMPLE);
        if (hello == null) {
            return;
        }
        Instant now = services.clock().instant();
        // Registry first: if it fails, the hello fails as a whole and leaves no session behind.
        services.registry().touchLastSeen(deviceId, now);
        services.sessions().register(new LiveSession(deviceId, device.get().owner(), now, hello,
                exchange.advanced().getRequest().getSourceContext()));
        Messages.HelloReply reply = new Messages.HelloReply(now.getEpochSecond(), services.keepaliveSeconds());
        try {
            exchange.respond(ResponseCode.CHANGED, JSON.writeValueAsBytes(reply), MediaTypeRegistry.APPLICATION_JSON);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a hello reply", e);
        }
    }
}
