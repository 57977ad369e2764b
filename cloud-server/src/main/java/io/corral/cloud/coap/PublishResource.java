package io.corral.cloud.coap;

import io.corral.cloud.events.Event;
import io.corral.cloud.events.EventIngress;
import io.corral.cloud.events.EventRefusedException;
import io.corral.protocol.CorralProfile;
import io.corral.protocol.Limits;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.OptionSet;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.util.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /E/{name...}}, CON or NON: the device publishes an event through the cloud's {@link EventIngress}.
 * Checks run cheapest first and a refused publish costs no token: the ingress's name (4.00), content format
 * (4.15) and size (4.13), then this path's per-device rate (4.29 with Max-Age = seconds until a token is free).
 * Max-Age of the request is the event's TTL (default 60).
 *
 * <p>An accepted event is first handed off durably (one queued delivery per matching integration,
 * group-committed) and only then routed and acknowledged: a 2.04 means no integration can lose the event. If the
 * hand-off fails the device hears 5.03 with Max-Age and should publish again.
 */
final class PublishResource extends ProfileResource {
    private static final Logger LOG = LoggerFactory.getLogger(PublishResource.class);
    /** Max-Age of a 5.03 when the event could not be made durable: long enough for a brief overload to pass. */
    static final int RETRY_SECONDS = 2;

    PublishResource(ProfileServices services) {
        super(CorralProfile.PATH_EVENT, services, true);
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        LiveSession session = requireSession(exchange);
        if (session == null) {
            return;
        }
        OptionSet options = exchange.getRequestOptions();
        int contentFormat = options.hasContentFormat() ? options.getContentFormat() : MediaTypeRegistry.TEXT_PLAIN;
        byte[] data = exchange.getRequestPayload();
        int ttl = options.hasMaxAge() ? (int) Math.min(Integer.MAX_VALUE, options.getMaxAge())
                : Event.DEFAULT_TTL_SECONDS;
        EventIngress ingress = services.ingress();
        Event event;
        try {
            event = ingress.validate(pathAfterResource(exchange), data == null ? Bytes.EMPTY : data, contentFormat,
                    ttl, session.deviceId(), session.owner());
        } catch (EventRefusedException e) {
            respondError(exchange, switch (e.reason()) {
                case NAME, TTL -> ResponseCode.BAD_REQUEST;
                case CONTENT_FORMAT -> ResponseCode.UNSUPPORTED_CONTENT_FORMAT;
                case SIZE -> ResponseCode.REQUEST_ENTITY_TOO_LARGE;
            }, e.getMessage());
            return;
        }
        long waitNanos = services.rateLimiter().tryAcquire(session.deviceId());
        if (waitNanos > 0) {
            Limits limits = services.limits();
            long seconds = Math.max(1, (waitNanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
            Response response = error(ResponseCode.TOO_MANY_REQUESTS, "publish rate limit of "
                    + limits.publishRatePerSecond() + "/s with a burst of " + limits.publishBurst()
                    + " exceeded; retry in " + seconds + " s");
            response.getOptions().setMaxAge(seconds);
            exchange.respond(response);
            return;
        }
        // Answered on the committing thread once the event is durable and routed, or at once on this thread when
        // no integration wants it; this thread goes back to serve other devices either way.
        ingress.publish(event).whenComplete((routed, failure) -> {
            if (failure == null) {
                exchange.respond(ResponseCode.CHANGED);
            } else {
                refused(exchange, event, failure);
            }
        });
    }

    /**
     * Not durable, so not acknowledged: 5.03 with Max-Age tells the device to publish again later. Nothing was
     * routed either, so a retry cannot make a duplicate.
     */
    private void refused(CoapExchange exchange, Event event, Throwable failure) {
        LOG.warn("event {} from {} refused, it could not be queued for integrations: {}", event.id(), event.deviceId(),
                failure.getMessage());
        Response response = error(ResponseCode.SERVICE_UNAVAILABLE,
                "the cloud could not store the event for its integrations; publish again in " + RETRY_SECONDS + " s");
        response.getOptions().setMaxAge(RETRY_SECONDS);
        exchange.respond(response);
    }
}
