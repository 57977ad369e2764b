package io.corral.cloud.events;

import java.util.concurrent.CompletableFuture;

/**
 * Where an accepted event is made durable before its publisher hears "yes": the cloud's integrations queue one
 * delivery per matching integration here, and the device's ACK waits for that commit. Only after it does the
 * event go onto the {@link EventBus}.
 */
@FunctionalInterface
public interface DurableHandOff {
    /** For a cloud without integrations: nothing to make durable. */
    DurableHandOff NONE = event -> CompletableFuture.completedFuture(null);

    /**
     * Makes the event durable for everything downstream that must not lose it.
     *
     * @return completes when it is; fails when it could not be, and then the publisher must hear a refusal
     */
    CompletableFuture<Void> handOff(Event event);
}
