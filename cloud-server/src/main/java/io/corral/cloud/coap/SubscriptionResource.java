package io.corral.cloud.coap;

import io.corral.cloud.events.EventListener;
import io.corral.protocol.CorralProfile;
import io.corral.protocol.DeviceIds;
import io.corral.protocol.EventNames;
import io.corral.protocol.Messages;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * {@code PUT /e/{prefix...}} subscribes the device to its owner's events whose names start with the prefix,
 * optionally only those of one source ({@code {"device": id}}); {@code DELETE /e/{prefix...}} ends every
 * subscription with that prefix. Subscriptions live as long as the device's live session. The cloud's
 * {@code hook-sent/}, {@code hook-response/} and {@code hook-error/} events reach only the device whose event
 * they are about, even when its siblings subscribe to the same prefix.
 */
final class SubscriptionResource extends ProfileResource {
    private static final String EXAMPLE = "{\"device\":\"0123456789abcdef01234567\"}";

    SubscriptionResource(ProfileServices services) {
        super(CorralProfile.PATH_SUBSCRIPTION, services, true);
    }

    @Override
    public void handlePUT(CoapExchange exchange) {
        LiveSession session = requireSession(exchange);
        if (session == null) {
            return;
        }
        String prefix = pathAfterResource(exchange);
        String badPrefix = EventNames.validatePrefix(prefix, services.limits());
        if (badPrefix != null) {
            respondError(exchange, ResponseCode.BAD_REQUEST, badPrefix);
            return;
        }
        String deviceFilter = null;
        if (exchange.getRequestPayloadSize() > 0) {
            Messages.SubscribeFilter filter = parseJson(exchange, Messages.SubscribeFilter.class, "subscribe",
                    EXAMPLE);
            if (filter == null) {
                return;
            }
            deviceFilter = filter.device();
            if (deviceFilter != null && !DeviceIds.isValid(deviceFilter)
                    && !CorralProfile.SOURCE_API.equals(deviceFilter)) {
                respondError(exchange, ResponseCode.BAD_REQUEST, "subscribe filter 'device' must be a device id "
                        + "(24 lowercase hex characters) or '" + CorralProfile.SOURCE_API + "', was '" + deviceFilter
                        + "'");
                return;
            }
        }
        int limit = services.limits().maxSubscriptions();
        String filter = deviceFilter;
        EventListener deliver = event -> {
            if (isHookEvent(event.name()) && !event.deviceId().equals(session.deviceId())) {
                return; // a webhook's answer is for the device that published, not its siblings
            }
            services.calls().deliver(session, event);
        };
        LiveSession.SubscribeResult result = session.subscribe(new LiveSession.Subscribed(prefix, filter), limit,
                () -> services.bus().subscribe(session.owner(), prefix, filter, deliver));
        switch (result) {
            case ADDED, ALREADY_PRESENT -> exchange.respond(ResponseCode.CREATED);
            case LIMIT_REACHED -> respondError(exchange, ResponseCode.TOO_MANY_REQUESTS, "too many subscriptions: "
                    + "device " + session.deviceId() + " has " + session.subscriptionCount() + ", the limit is "
                    + limit + "; unsubscribe (DELETE /e/{prefix}) first");
            case SESSION_CLOSED -> respondError(exchange, ResponseCode.FORBIDDEN,
                    "the device's session ended while subscribing: send hello first (POST /h)");
        }
    }

    /** hook-sent, hook-response and hook-error events, which carry the publishing device as their source. */
    static boolean isHookEvent(String name) {
        return name.startsWith("hook-response/") || name.startsWith("hook-sent/") || name.startsWith("hook-error/");
    }

    @Override
    public void handleDELETE(CoapExchange exchange) {
        LiveSession session = requireSession(exchange);
        if (session == null) {
            return;
        }
        session.unsubscribe(pathAfterResource(exchange));
        exchange.respond(ResponseCode.DELETED);
    }
}
