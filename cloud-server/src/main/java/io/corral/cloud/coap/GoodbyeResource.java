package io.corral.cloud.coap;

import io.corral.protocol.CorralProfile;
import io.corral.protocol.Messages;
import java.util.Optional;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.CoAP.Type;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /x}, normally NON: the device leaves. Its live session and subscriptions end. A NON goodbye gets
 * no answer (the device is closing its connection); a CON one gets 2.04 so the device stops retransmitting.
 */
final class GoodbyeResource extends ProfileResource {
    private static final Logger LOG = LoggerFactory.getLogger(GoodbyeResource.class);

    GoodbyeResource(ProfileServices services) {
        super(CorralProfile.PATH_GOODBYE, services);
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        Optional<String> deviceId = deviceId(exchange);
        Optional<LiveSession> session = deviceId.flatMap(services.sessions()::find);
        session.ifPresent(services.sessions()::remove);
        if (LOG.isDebugEnabled()) {
            LOG.debug("goodbye from {}: {}", deviceId.orElse("an unknown identity"), reason(exchange));
        }
        if (exchange.advanced().getRequest().getType() == Type.CON) {
            exchange.respond(ResponseCode.CHANGED);
        }
    }

    private static String reason(CoapExchange exchange) {
        // The reason is only logged, so a body that is not the expected JSON is no error worth answering.
        try {
            Messages.Goodbye goodbye = exchange.getRequestPayloadSize() == 0 ? null
                    : JSON.readValue(exchange.getRequestPayload(), Messages.Goodbye.class);
            if (goodbye == null || goodbye.reason() == null) {
                return "no reason given";
            }
            // Device text goes into a log line: keep it short and on one line.
            String reason = goodbye.reason().replaceAll("[^\\x20-\\x7e]", "?");
            return reason.length() > 100 ? reason.substring(0, 100) + "..." : reason;
        } catch (java.io.IOException e) {
            return "unreadable reason";
        }
    }
}
