package io.corral.cloud.events;

/**
 * Receives events of one subscription. Called on the bus's dispatch thread: implementations must not block
 * (hand slow work to a queue or an asynchronous send), or they delay every other subscriber.
 */
@FunctionalInterface
public interface EventListener {
    void onEvent(Event event);
}
