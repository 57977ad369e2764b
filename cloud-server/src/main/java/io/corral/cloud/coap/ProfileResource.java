package io.corral.cloud.coap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.cloud.registry.DeviceRecord;
import io.corral.protocol.Messages;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.elements.EndpointContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of the profile's resources: resolves the device behind a request, answers errors with a diagnostic text
 * payload, and makes sure no exception escapes into Californium. An unexpected exception becomes a 5.00 for
 * that one request; the device's session and every other device carry on.
 */
abstract class ProfileResource extends CoapResource {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileResource.class);

    /** Tolerates unknown fields, so newer devices can send more than this cloud reads. */
    /** What an implied hello knows of the device: nothing beyond its DTLS identity. */
    static final Messages.Hello IMPLIED_HELLO = new Messages.Hello(null, null, null, List.of());

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    protected final ProfileServices services;
    private final boolean ownsSubpaths;

    ProfileResource(String name, ProfileServices services) {
        this(name, services, false);
    }

    /**
     * @param ownsSubpaths true if every path below this one belongs to this resource, as event names below
     *                     {@code /E} and prefixes below {@code /e} do; read them with {@link #pathAfterResource}
     */
    ProfileResource(String name, ProfileServices services, boolean ownsSubpaths) {
        super(name);
        this.services = services;
        this.ownsSubpaths = ownsSubpaths;
    }

    @Override
    public Resource getChild(String name) {
        return ownsSubpaths ? this : super.getChild(name);
    }

    @Override
    public void handleRequest(Exchange exchange) {
        try {
            super.handleRequest(exchange);
        } catch (RuntimeException e) {
            Request request = exchange.getRequest();
            String what = request.getCode() + " /" + request.getOptions().getUriPathString();
            LOG.error("{} from {} failed", what, request.getSourceContext().getPeerAddress(), e);
            if (exchange.getCurrentResponse() == null) {
                exchange.sendResponse(error(ResponseCode.INTERNAL_SERVER_ERROR,
                        "internal error in the cloud while handling " + what + " (" + e.getClass().getSimpleName()
                                + "); it has been logged"));
            }
        }
    }

    static Response error(ResponseCode code, String diagnostic) {
        Response response = new Response(code);
        response.setPayload(diagnostic);
        response.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        return response;
    }

    static void respondError(CoapExchange exchange, ResponseCode code, String diagnostic) {
        exchange.respond(error(code, diagnostic));
    }

    /** The registered device behind the request's DTLS identity, if any. */
    Optional<String> deviceId(CoapExchange exchange) {
        Principal principal = exchange.advanced().getRequest().getSourceContext().getPeerIdentity();
        return principal == null ? Optional.empty() : services.identities().deviceId(principal);
    }

    /** As {@link #deviceId}, but answers 4.01 and returns null when the identity is not a device. */
    String requireDeviceId(CoapExchange exchange) {
        Optional<String> deviceId = deviceId(exchange);
        if (deviceId.isEmpty()) {
            respondError(exchange, ResponseCode.UNAUTHORIZED,
                    "the DTLS identity of this connection is not a registered device");
            return null;
        }
        return deviceId.get();
    }

    /**
     * The device's live session, refreshed with this request's endpoint context. A device that has not said hello
     * gets an implied one here, so a stock CoAP tool that opens a session and sends one request works: the session
     * starts with the default keepalive, no hello details and no describe. Answers 4.01 and returns null when the
     * request comes from no registered device.
     */
    LiveSession requireSession(CoapExchange exchange) {
        String deviceId = requireDeviceId(exchange);
        if (deviceId == null) {
            return null;
        }
        EndpointContext context = exchange.advanced().getRequest().getSourceContext();
        Optional<LiveSession> session = services.sessions().find(deviceId);
        if (session.isEmpty()) {
            return impliedHello(exchange, deviceId, context);
        }
        services.sessions().updateContext(session.get(), context);
        return session.get();
    }

    private LiveSession impliedHello(CoapExchange exchange, String deviceId, EndpointContext context) {
        Optional<DeviceRecord> device = services.registry().findById(deviceId);
        if (device.isEmpty()) {
            // Authenticated a moment ago, so the device was removed from the registry since the handshake.
            respondError(exchange, ResponseCode.UNAUTHORIZED, "device " + deviceId + " is no longer registered");
            return null;
        }
        Instant now = services.clock().instant();
        services.registry().touchLastSeen(deviceId, now);
        LiveSession implied = new LiveSession(deviceId, device.get().owner(), now, IMPLIED_HELLO, context);
        LiveSession session = services.sessions().registerImplied(implied);
        if (session != implied) {
            services.sessions().updateContext(session, context);
        }
        return session;
    }

    /** The Uri-Path after this resource's own segment, joined with '/': the event name or prefix. */
    static String pathAfterResource(CoapExchange exchange) {
        List<String> segments = exchange.getRequestOptions().getUriPath();
        return segments.size() <= 1 ? "" : String.join("/", segments.subList(1, segments.size()));
    }

    /**
     * Parses a JSON object body; answers 4.00 and returns null if the body is missing or not that object.
     *
     * @param example a valid body, quoted in the error message
     */
    static <T> T parseJson(CoapExchange exchange, Class<T> type, String what, String example) {
        byte[] body = exchange.getRequestPayload();
        if (body == null || body.length == 0) {
            respondError(exchange, ResponseCode.BAD_REQUEST, what + " needs a JSON object body, like " + example);
            return null;
        }
        try {
            T value = JSON.readValue(body, type);
            if (value == null) {
                respondError(exchange, ResponseCode.BAD_REQUEST, what + " body must be a JSON object, like " + example);
            }
            return value;
        } catch (JsonProcessingException e) {
            respondError(exchange, ResponseCode.BAD_REQUEST,
                    what + " body is not valid JSON for " + example + ": " + e.getOriginalMessage());
            return null;
        } catch (java.io.IOException e) {
            respondError(exchange, ResponseCode.BAD_REQUEST, what + " body could not be read: " + e.getMessage());
            return null;
        }
    }
}
