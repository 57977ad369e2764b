package io.corral.cloud.integrations.queue;

import io.corral.cloud.events.Event;
import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.model.Attempt;
import io.corral.cloud.integrations.model.Delivery;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The durable queue between an accepted event and its integrations. It is what makes "acknowledged means
 * delivered at least once" hold:
 *
 * <ul>
 *   <li>{@link #enqueue} completes only once the deliveries are durably committed; the device hears its ACK
 *       after that, never before.</li>
 *   <li>Workers {@link #lease} deliveries for a limited time. They report each try with {@link #complete},
 *       {@link #retryLater} or {@link #deadLetter}; a result from a worker whose lease has lapsed is refused
 *       (the method returns false), because another worker may already hold the delivery.</li>
 *   <li>A worker that dies or hangs loses nothing: its leases run out, or its supervisor
 *       {@link #releaseLeases releases} them, and the deliveries go to another worker.</li>
 * </ul>
 *
 * <p>Writes return futures so that many callers share one commit (group commit); reads block. The embedded
 * implementation is the SQLite queue of {@link SqliteIntegrationDatabase}; a JetStream one can follow behind
 * this interface. Implementations are thread-safe. Delivery order is not guaranteed.
 */
public interface DeliveryQueue {

    /**
     * Durably appends one delivery of {@code event} per integration id. Ids of integrations that no longer
     * exist are skipped; deliveries of a paused integration are held until it resumes.
     *
     * @return completes when committed; fails with {@link IntegrationException} ({@code OVERLOADED} when too
     *         much is waiting to be committed, {@code STORAGE} when the commit failed), and then nothing was kept
     */
    CompletableFuture<Void> enqueue(Event event, List<String> integrationIds);

    /**
     * Leases up to {@code max} due deliveries to {@code worker} for {@code leaseTime}, oldest due first.
     *
     * @return the leased deliveries, possibly none
     */
    CompletableFuture<List<Delivery>> lease(String worker, int max, Duration leaseTime);

    /**
     * The receiver accepted the delivery: removes it and logs the attempt, if one is given (workers log a sample of
     * successes). False if the lease was lost.
     */
    CompletableFuture<Boolean> complete(Delivery delivery, Attempt attempt);

    /** The try failed and will be repeated at {@code nextAt}: logs the attempt. False if the lease was lost. */
    CompletableFuture<Boolean> retryLater(Delivery delivery, Attempt attempt, Instant nextAt);

    /** The try failed for good: keeps the delivery as a dead letter and logs the attempt. False if the lease was lost. */
    CompletableFuture<Boolean> deadLetter(Delivery delivery, Attempt attempt);

    /**
     * Gives the delivery back untried, due again at {@code nextAt}, without counting an attempt: for a
     * destination whose circuit is open, or while the process sheds load. False if the lease was lost.
     */
    CompletableFuture<Boolean> postpone(Delivery delivery, Instant nextAt);

    /** Makes every delivery leased by {@code worker} due now: for a worker that died or hung. */
    CompletableFuture<Integer> releaseLeases(String worker);

    /** The workers holding leases now (lapsed ones included), so dead workers' leases can be found and released. */
    List<String> leaseOwners();

    /** The integration's latest attempts, newest first, at most {@code limit}. */
    List<Attempt> recentAttempts(String integrationId, int limit);

    /** The integration's dead letters, newest first, at most {@code limit}. */
    List<QueuedDelivery> deadLetters(String integrationId, int limit);

    /**
     * Puts one dead letter back in the queue, due now, with a fresh retry window.
     *
     * @throws IntegrationException NOT_FOUND if the integration has no such delivery, CONFLICT if it is not dead
     */
    void replay(String integrationId, long deliveryId);

    /** Puts every dead letter of the integration back in the queue; returns how many. */
    int replayAll(String integrationId);

    /** Deliveries of the integration by state; null for all integrations. */
    QueueCounts counts(String integrationId);

    /**
     * When the oldest delivery still waiting (pending, leased or waiting for a retry, not paused and not dead) was
     * queued; empty when none waits, or when this queue cannot tell.
     */
    default Optional<Instant> oldestPending() {
        return Optional.empty();
    }

    /**
     * Runs {@code listener} after every commit that added deliveries, so in-process workers start at once rather
     * than at their next poll. The listener must not block.
     */
    void onEnqueued(Runnable listener);
}
