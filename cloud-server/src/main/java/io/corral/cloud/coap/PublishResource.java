package io.corral.cloud.coap;

import io.corral.cloud.events.Event;
import io.corral.protocol.CorralProfile;
import io.corral.protocol.EventNames;
import io.corral.protocol.Limits;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * {@code POST /E/{name...}}, CON or NON: the device publishes an event. Checks run cheapest first and a refused
 * publish costs no token: name (4.00), content format (4.15), size (4.13), then the per-device rate (4.29 with
 * Max-Age = seconds until a token is free). Max-Age of the request is the event's TTL (default 60).
 *
 * <p>An accepted event is first handed to the durable hand-off (one queued delivery per matching integration,
 * group-committed) and only then routed and acknowledged: a 2.04 means no integration can lose the event. If the
 * hand-off fails the device hears 5.03 with Max-Age and should publish again.
 */
final class PublishResource extends ProfileResource {
    private static final Logger LOG = LoggerFactory.getLogger(PublishResource.class);
    /** Max-Age of a 5.03 when the event could not be made durable: long enough for a brief overload to pass. */
    static final int RETRY_SECONDS = 2;
    private static final Set<Integer> CONTENT_FORMATS = Set.of(MediaTypeRegistry.TEXT_PLAIN,
            MediaTypeRegistry.APPLICATION_JSON, MediaTypeRegistry.APPLICATION_OCTET_STREAM,
            MediaTypeRegistry.APPLICATION_CBOR);

    PublishResource(ProfileServices services) {
        super(CorralProfile.PATH_EVENT, services, true);
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        LiveSession session = requireSession(exchange);
        if (session == null) {
            return;
        }
        Limits limits = services.limits();
        String name = pathAfterResource(exchange);
        String badName = EventNames.validatePublishName(name, limits);
        if (badName != null) {
            respondError(exchange, ResponseCode.BAD_REQUEST, badName);
            return;
        }
        OptionSet options = exchange.getRequestOptions();
        int contentFormat = options.hasContentFormat() ? options.getContentFormat() : MediaTypeRegistry.TEXT_PLAIN;
        if (!CONTENT_FORMATS.contains(contentFormat)) {
            respondError(exchange, ResponseCode.UNSUPPORTED_CONTENT_FORMAT, "content format " + contentFormat
                    + " is not one of text/plain (0), application/octet-stream (42), application/json (50), "
                    + "application/cbor (60)");
            return;
        }
        byte[] data = exchange.getRequestPayload();
        data = data == null ? Bytes.EMPTY : data;
        if (data.length > limits.maxEventDataBytes()) {
            respondError(exchange, ResponseCode.REQUEST_ENTITY_TOO_LARGE,
                    "event data is " + data.length + " bytes, the limit is " + limits.maxEventDataBytes());
            return;
        }
        long waitNanos = services.rateLimiter().tryAcquire(session.deviceId());
        if (waitNanos > 0) {
            long seconds = Math.max(1, (waitNanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
            Response response = error(ResponseCode.TOO_MANY_REQUESTS, "publish rate limit of "
                    + limits.publishRatePerSecond() + "/s with a burst of " + limits.publishBurst()
                    + " exceeded; retry in " + seconds + " s");
            response.getOptions().setMaxAge(seconds);
            exchange.respond(response);
            return;
        }
        int ttl = options.hasMaxAge() ? (int) Math.min(Integer.MAX_VALUE, options.getMaxAge())
                : Event.DEFAULT_TTL_SECONDS;
        Event event = Event.create(name, data, contentFormat, ttl, session.deviceId(), session.owner());
        CompletableFuture<Void> durable;
        try {
            durable = services.handOff().handOff(event);
        } catch (RuntimeException e) {
            durable = CompletableFuture.failedFuture(e);
        }
        if (durable.isDone() && !durable.isCompletedExceptionally()) {
            // Nothing to wait for (no integration wants it): answer on this thread, no hand-over.
            accepted(exchange, event);
            return;
        }
        // The ACK waits for the commit, on the committing thread; this thread goes back to serve other devices.
        durable.whenComplete((committed, failure) -> {
            if (failure == null) {
                accepted(exchange, event);
            } else {
                refused(exchange, event, failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
        });
    }

    /** Durable where it had to be: now subscribers may see it and the device may hear yes. */
    private void accepted(CoapExchange exchange, Event event) {
        try {
            services.bus().publish(event);
        } catch (IllegalStateException closing) {
            // The bus is closing with the cloud; the event is committed for the integrations, so still say yes.
            LOG.debug("event {} not routed, the bus is closed", event.id());
        }
        exchange.respond(ResponseCode.CHANGED);
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
