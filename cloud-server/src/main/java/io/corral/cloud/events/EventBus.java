package io.corral.cloud.events;

/**
 * Routes events to subscribers of the same owner. An event reaches a subscription when the subscription's
 * owner equals the event's owner, the event name starts with the subscription's prefix
 * ({@link String#startsWith}), and the subscription's device filter, if any, equals the event's source.
 *
 * <p>A publisher that has subscribed to matching events receives its own events too: the bus does not know who
 * a subscriber is, and a device that wants to skip its own events filters on the {@code from} query.
 *
 * <p>{@link #publish} never waits for subscribers: delivery is asynchronous, so a device's publish is
 * acknowledged without waiting for any subscriber. Events published by one thread reach each subscription in
 * publish order, and each matching subscription receives an event once; a listener that throws does not keep
 * the event from the others. After {@link Subscription#cancel()} returns, the subscription receives nothing
 * published later. The embedded implementation is {@link InProcessEventBus}; a NATS JetStream implementation
 * will follow behind this interface, and {@code EventBusContract} (in the tests) holds both to these rules.
 * Implementations are thread-safe.
 */
public interface EventBus extends AutoCloseable {

    /**
     * Hands the event to every matching subscription, asynchronously.
     *
     * @throws IllegalStateException if the bus is closed
     */
    void publish(Event event);

    /**
     * Subscribes to the owner's events whose names start with {@code prefix}.
     *
     * @param deviceFilter only events from this source (device id or {@code api}); null for any source
     * @param listener     called for each matching event; must not block
     */
    Subscription subscribe(String owner, String prefix, String deviceFilter, EventListener listener);

    /** Stops dispatching; events not dispatched yet are dropped. */
    @Override
    void close();
}
