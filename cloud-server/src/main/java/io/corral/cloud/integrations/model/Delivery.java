package io.corral.cloud.integrations.model;

import io.corral.cloud.events.Event;
import java.time.Instant;
import java.util.Objects;

/**
 * One event on its way to one integration, as a worker holds it under a lease. The lease ends at
 * {@code leaseUntil}; after that the queue hands the delivery to another worker, so a worker that finishes late
 * finds its result refused and the delivery is sent again (at least once, never lost).
 *
 * @param id             the delivery's number in the queue
 * @param integrationId  the integration it goes to
 * @param event          the event, with the id receivers deduplicate on
 * @param failures       failed attempts so far
 * @param firstFailureAt when the first attempt failed, which starts the retry window; null before any failure
 * @param queuedAt       when the event was committed to the queue
 * @param leaseOwner     the worker holding the lease
 * @param leaseUntil     when the lease runs out
 */
public record Delivery(long id, String integrationId, Event event, int failures, Instant firstFailureAt,
                       Instant queuedAt, String leaseOwner, Instant leaseUntil) {
    public Delivery {
        Objects.requireNonNull(integrationId, "integrationId");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(queuedAt, "queuedAt");
    }

    /** The number of the attempt a worker is about to make: 1 for the first. */
    public int attempt() {
        return failures + 1;
    }
}
