package io.corral.cloud.integrations.queue;

import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.IntegrationException.Reason;

/**
 * What every {@link DeliveryQueue} implementation does alike: how much of an error is kept, and the errors of a
 * replay, so the SQLite and in-memory queues (and later ones) answer with the same words. For implementers;
 * callers never need it.
 */
public final class DeliveryQueueRules {
    /** Longest error text kept per attempt and dead letter; enough for a status line and the start of a body. */
    public static final int MAX_ERROR_CHARS = 500;

    private DeliveryQueueRules() {
    }

    /** An attempt's error as it is kept: at most {@value #MAX_ERROR_CHARS} characters and an ellipsis. */
    public static String clipError(String error) {
        return error == null || error.length() <= MAX_ERROR_CHARS ? error
                : error.substring(0, MAX_ERROR_CHARS) + "...";
    }

    /** A replay of a delivery the integration does not have. */
    public static IntegrationException noDelivery(String integrationId, long deliveryId) {
        return new IntegrationException(Reason.NOT_FOUND, "integration " + integrationId + " has no delivery "
                + deliveryId + " (delivered ones are not kept)");
    }

    /** A replay of a delivery in {@code state} ({@code pending} or {@code paused}) rather than dead. */
    public static IntegrationException notDead(long deliveryId, String state) {
        return new IntegrationException(Reason.CONFLICT, "delivery " + deliveryId + " is " + state
                + ", not dead; only dead letters can be replayed");
    }
}
