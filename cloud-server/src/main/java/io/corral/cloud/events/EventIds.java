package io.corral.cloud.events;

import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event ids: 64 bits as 16 lowercase hex characters, the high 44 bits milliseconds since the epoch and the low
 * 20 bits a sequence, so ids sort by creation time and stay unique within one process even at a million
 * events per millisecond (the sequence then borrows from the next millisecond rather than repeating).
 * Uniqueness across cluster nodes needs a node component; that comes with the cluster mode.
 */
final class EventIds {
    private static final int SEQUENCE_BITS = 20;
    private static final AtomicLong LAST = new AtomicLong();

    private EventIds() {
    }

    static String next() {
        long now = System.currentTimeMillis() << SEQUENCE_BITS;
        // Lock-free: the id is the larger of "now" and "last + 1", so it never goes backwards with the clock.
        long id = LAST.accumulateAndGet(now, (last, candidate) -> Math.max(last + 1, candidate));
        // HexFormat, not String.format: this runs for every event, and a Formatter costs a parse each time.
        return HexFormat.of().toHexDigits(id);
    }
}
