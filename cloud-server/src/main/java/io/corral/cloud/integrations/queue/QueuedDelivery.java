package io.corral.cloud.integrations.queue;

import java.time.Instant;

/**
 * A delivery as the operator sees it in listings, such as the dead letters.
 *
 * @param id          the delivery's number, which replay takes
 * @param state       {@code pending}, {@code paused} or {@code dead}
 * @param failures    failed attempts
 * @param nextAt      when it is next due (while leased: when the lease ends); null for dead letters
 * @param lastError   what the last failure said, or null
 * @param lastStatus  the HTTP status of the last failure, or null
 * @param deadAt      when it was dead-lettered, or null
 */
public record QueuedDelivery(long id, String integrationId, String eventId, String eventName, String deviceId,
                             String state, int failures, Instant queuedAt, Instant nextAt, String lastError,
                             Integer lastStatus, Instant deadAt) {
}
