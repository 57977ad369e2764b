package io.corral.cloud.integrations.delivery;

import io.corral.cloud.integrations.IntegrationStats;
import java.util.concurrent.atomic.LongAdder;

/** The hot-path counters behind {@link IntegrationStats}: written by many threads, summed when read. */
public final class Counters {
    public final LongAdder eventsQueued = new LongAdder();
    public final LongAdder deliveriesQueued = new LongAdder();
    public final LongAdder queueRefusals = new LongAdder();
    public final LongAdder leased = new LongAdder();
    public final LongAdder delivered = new LongAdder();
    public final LongAdder retried = new LongAdder();
    public final LongAdder deadLettered = new LongAdder();
    public final LongAdder dropped = new LongAdder();
    public final LongAdder postponed = new LongAdder();
    public final LongAdder lostLeases = new LongAdder();
    public final LongAdder workerFailures = new LongAdder();
}
