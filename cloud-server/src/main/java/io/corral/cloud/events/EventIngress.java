package io.corral.cloud.events;

import io.corral.protocol.CorralProfile;
import io.corral.protocol.EventNames;
import io.corral.protocol.Limits;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way an event enters the cloud, from a device over CoAP or from the HTTP API: {@link #validate checked}
 * against the profile's rules and the limits, {@link #publish handed off} durably to the integrations, and only
 * then fanned out on the {@link EventBus}. An event the integrations could lose is never acknowledged, and an
 * event that was not acknowledged was never routed, so the publisher's retry cannot make a duplicate.
 *
 * <pre>{@code
 * EventIngress ingress = new EventIngress(Limits.DEFAULTS, integrations::handOff, bus);
 * Event event = ingress.validate("temp/kitchen", data, Event.TEXT_PLAIN, 60, deviceId, owner); // or EventRefusedException
 * ingress.publish(event).whenComplete((routed, failure) -> answer(failure == null));
 * }</pre>
 *
 * <p>Validation spends nothing, so a path can apply its own quota (the per-device publish rate) between
 * {@link #validate} and {@link #publish}. Events the cloud makes itself (the integrations' {@code hook-sent/}
 * events) need no check and no hand-off: they go through {@link #route}. Thread-safe.
 */
public final class EventIngress {
    private static final Logger LOG = LoggerFactory.getLogger(EventIngress.class);

    /** The content formats an event may carry: text/plain (0), octet-stream (42), JSON (50) and CBOR (60). */
    public static final Set<Integer> CONTENT_FORMATS = Set.of(Event.TEXT_PLAIN, 42, 50, 60);

    private final Limits limits;
    private final DurableHandOff handOff;
    private final EventBus bus;
    private final LongAdder routed = new LongAdder();

    /**
     * @param handOff where an event is made durable before its publisher hears yes; {@link DurableHandOff#NONE}
     *                for a cloud without integrations
     * @param bus     where it is fanned out next; stays the caller's
     */
    public EventIngress(Limits limits, DurableHandOff handOff, EventBus bus) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.handOff = Objects.requireNonNull(handOff, "handOff");
        this.bus = Objects.requireNonNull(bus, "bus");
    }

    /**
     * Checks a publish, cheapest rule first (name, content format, size, TTL), and returns its event, with a
     * fresh id and published now.
     *
     * @param source the publishing device's id, or {@code api}, whose data is text sent as a JSON string, so its
     *               size is given in bytes of UTF-8
     * @throws EventRefusedException naming the rule broken, the value and the limit
     */
    public Event validate(String name, byte[] data, int contentFormat, int ttlSeconds, String source, String owner) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(owner, "owner");
        String badName = EventNames.validatePublishName(name, limits);
        if (badName != null) {
            throw new EventRefusedException(EventRefusedException.Reason.NAME, badName);
        }
        if (!CONTENT_FORMATS.contains(contentFormat)) {
            throw new EventRefusedException(EventRefusedException.Reason.CONTENT_FORMAT, "content format "
                    + contentFormat + " is not one of text/plain (0), application/octet-stream (42), "
                    + "application/json (50), application/cbor (60)");
        }
        if (data.length > limits.maxEventDataBytes()) {
            String unit = CorralProfile.SOURCE_API.equals(source) ? " bytes of UTF-8" : " bytes";
            throw new EventRefusedException(EventRefusedException.Reason.SIZE, "event data is " + data.length + unit
                    + ", the limit is " + limits.maxEventDataBytes());
        }
        if (ttlSeconds < 0) {
            throw new EventRefusedException(EventRefusedException.Reason.TTL,
                    "ttlSeconds must be >= 0, was " + ttlSeconds);
        }
        return Event.create(name, data, contentFormat, ttlSeconds, source, owner);
    }

    /**
     * Hands a {@link #validate validated} event off durably, then routes it. The future completes once the event
     * is routed, on the thread that committed it (at once, on the caller's thread, when no integration wants
     * it); it fails with the hand-off's own failure, unwrapped, and then the event was not routed: the publisher
     * must hear a refusal and may publish again.
     */
    public CompletableFuture<Void> publish(Event event) {
        CompletableFuture<Void> durable;
        try {
            durable = handOff.handOff(event);
        } catch (RuntimeException e) {
            durable = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        durable.whenComplete((committed, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
                return;
            }
            try {
                route(event);
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /**
     * Publishes one of the cloud's {@link SystemEvents}: handed off like a device's event (which costs only an
     * index look-up, since integrations take system events only when they ask for them by name), then routed
     * whether or not the hand-off succeeded. Nobody waits for a system event's acknowledgement, so a failed
     * hand-off is logged rather than refused: the streams and devices still hear that a device came or went.
     */
    public void publishSystem(Event event) {
        CompletableFuture<Void> durable;
        try {
            durable = handOff.handOff(event);
        } catch (RuntimeException e) {
            durable = CompletableFuture.failedFuture(e);
        }
        durable.whenComplete((committed, failure) -> {
            if (failure != null) {
                LOG.warn("system event {} {} of {} could not be queued for integrations: {}", event.name(),
                        event.dataAsText(), event.deviceId(), failure.getMessage());
            }
            route(event);
        });
    }

    /**
     * Fans an event out on the bus, with no check and no hand-off: for validated events once they are durable,
     * and for events the cloud makes itself. A bus closing with the cloud drops it: it is committed for the
     * integrations already, so its publisher still hears yes.
     */
    public void route(Event event) {
        try {
            bus.publish(event);
            routed.increment();
        } catch (IllegalStateException closing) {
            LOG.debug("event {} not routed, the bus is closed", event.id());
        }
    }

    /** Events routed onto the bus since the start: devices', the API's and the cloud's own. */
    public long routedCount() {
        return routed.sum();
    }

    /** The limits publishes are held to. */
    public Limits limits() {
        return limits;
    }

    /** The bus events are fanned out on; subscriptions are made there. */
    public EventBus bus() {
        return bus;
    }
}
