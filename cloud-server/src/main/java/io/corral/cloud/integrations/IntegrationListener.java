package io.corral.cloud.integrations;

import io.corral.cloud.integrations.model.Delivery;

/**
 * Hears what goes wrong in the integration machinery, asynchronously, so an embedder can page someone instead of
 * reading logs. Every method defaults to doing nothing; they run on the machinery's own threads and must not
 * block. Each event is also logged (worker replacements at ERROR, dead letters at WARN).
 */
public interface IntegrationListener {
    IntegrationListener NONE = new IntegrationListener() { };

    /** A worker threw or hung and was replaced; its leases went back to the queue. */
    default void onWorkerReplaced(String workerId, String reason) {
    }

    /** A delivery was given up on and kept as a dead letter, until replayed. */
    default void onDeadLetter(Delivery delivery, String error) {
    }
}
