package io.corral.cloud.integrations;

/**
 * What the integration machinery of this process has counted since it started. Every stage counts what goes in
 * and what comes out, so a partial failure shows as numbers that do not add up, not only a total stop:
 * {@code deliveriesQueued} should, over time, equal {@code delivered + deadLettered + dropped} plus what the
 * queue still holds.
 *
 * @param eventsQueued      events handed to the queue with at least one matching integration, and committed
 * @param deliveriesQueued  deliveries committed (one per event and integration)
 * @param queueRefusals     hand-offs the queue refused or failed (the device was answered 5.03)
 * @param leased            deliveries leased by this process's workers
 * @param delivered         deliveries the receiver accepted
 * @param retried           failed tries scheduled again
 * @param deadLettered      deliveries given up on
 * @param dropped           deliveries whose integration was deleted
 * @param postponed         deliveries given back untried (circuit open, shedding, destination busy)
 * @param lostLeases        results refused because the lease had lapsed (the delivery went out again)
 * @param inFlight          sends in progress now
 * @param workerFailures    workers that threw or hung and were replaced
 * @param openCircuits      destinations whose circuit is open now
 * @param shedding          true while the fd watchdog sheds load
 */
public record IntegrationStats(long eventsQueued, long deliveriesQueued, long queueRefusals, long leased,
                               long delivered, long retried, long deadLettered, long dropped, long postponed,
                               long lostLeases, long inFlight, long workerFailures, long openCircuits,
                               boolean shedding) {
}
