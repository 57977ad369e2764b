package io.corral.cloud.integrations.delivery;

import java.util.concurrent.atomic.LongAdder;

/** The hot-path counters behind {@link IntegrationStats}: written by many threads, summed when read. */
final class Counters {
    final LongAdder eventsQueued = new LongAdder();
    final LongAdder deliveriesQueued = new LongAdder();
    final LongAdder queueRefusals = new LongAdder();
    final LongAdder leased = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder retried = new LongAdder();
    final LongAdder deadLettered = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder postponed = new LongAdder();
    final LongAdder lostLeases = new LongAdder();
    final LongAdder workerFailures = new LongAdder();
}
