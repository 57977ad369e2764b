package io.corral.device.internal;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long a device waits before its next connect attempt: full-jitter exponential backoff. Attempt n waits a
 * uniformly random time in [0, min(cap, base * 2^n)], so a fleet that lost the cloud together does not come back
 * together. When the cloud said when to come back (the Max-Age of a 5.03), that time is taken, plus a jitter of at
 * most the base so the deferred devices do not all return in the same tick. The attempt count starts over once a
 * connection has lasted {@code stableAfter}; a connection that drops sooner does not reset it, so a flapping link
 * keeps backing off.
 *
 * <p>The clock and the random source are injected, so tests check the bounds without sleeping. Used by one
 * {@link ConnectionSupervisor}, which calls it from one thread at a time; the fields are volatile because that
 * thread changes (the reconnect thread, the receive loop).
 */
final class ReconnectBackoff {
    /** 2^30 times the largest base (1 h) still fits in a long of milliseconds. */
    private static final int MAX_EXPONENT = 30;

    private final long baseMillis;
    private final long capMillis;
    private final long stableNanos;
    private final Ticker ticker;
    private final RandomGenerator random;

    private volatile int attempt;
    private volatile long connectedAtNanos;

    ReconnectBackoff(Duration base, Duration cap, Duration stableAfter, Ticker ticker, RandomGenerator random) {
        this.baseMillis = base.toMillis();
        this.capMillis = cap.toMillis();
        this.stableNanos = stableAfter.toNanos();
        this.ticker = ticker;
        this.random = random;
    }

    /**
     * A connect attempt failed: counts it and answers the wait before the next one.
     *
     * @param retryAfter how long the cloud asked us to wait, or null when it did not say
     */
    Duration afterFailure(Duration retryAfter) {
        attempt++;
        if (retryAfter != null) {
            return retryAfter.plusMillis(random.nextLong(baseMillis + 1));
        }
        return fullJitter();
    }

    /** A connection is up; a later {@link #afterLoss()} tells from this whether it had been stable. */
    void connected() {
        connectedAtNanos = ticker.nanos();
    }

    /** An established connection was lost: answers the wait before reconnecting. */
    Duration afterLoss() {
        if (ticker.nanos() - connectedAtNanos >= stableNanos) {
            attempt = 0;
        }
        return fullJitter();
    }

    private Duration fullJitter() {
        int exponent = Math.min(attempt, MAX_EXPONENT);
        long ceiling = Math.min(capMillis, baseMillis << exponent);
        return Duration.ofMillis(random.nextLong(ceiling + 1));
    }
}
