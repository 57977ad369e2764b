package io.corral.cloud.integrations.delivery;

import io.corral.cloud.integrations.Ranges;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a failed delivery is tried again. After failure n (1 for the first), the next try waits
 * {@code min(maxDelay, initialDelay * 2^(n-1))}, "equal jitter": a random time between half that and all of it,
 * so deliveries that failed together do not come back together, yet none comes back at once. A delivery is
 * dead-lettered once the next try would fall more than {@code retryFor} after its first failure.
 *
 * <p>With the defaults (5 s, 1 h, 24 h) the waits are about 5 s, 10 s, 20 s, 40 s, 80 s, 160 s, 5 min, 11 min,
 * 21 min, 43 min, then hourly: some 30 tries over a day before a delivery becomes a dead letter, which an
 * operator can replay.
 *
 * @param initialDelay wait after the first failure (upper bound, before jitter)
 * @param maxDelay     longest wait between two tries
 * @param retryFor     how long after the first failure tries go on
 */
public record RetryPolicy(Duration initialDelay, Duration maxDelay, Duration retryFor) {
    public static final RetryPolicy DEFAULTS = new RetryPolicy(Duration.ofSeconds(5), Duration.ofHours(1),
            Duration.ofHours(24));

    /** @throws IllegalArgumentException naming the bad setting and its range */
    public RetryPolicy {
        Ranges.check("retry.initialDelay", initialDelay, Duration.ofMillis(10), Duration.ofHours(1));
        Ranges.check("retry.maxDelay", maxDelay, Duration.ofMillis(10), Duration.ofDays(1));
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("retry.maxDelay must be >= retry.initialDelay (" + initialDelay
                    + "), was " + maxDelay);
        }
        Ranges.check("retry.retryFor", retryFor, Duration.ZERO, Duration.ofDays(30));
    }

    /** The longest wait after failure {@code failures} (1 for the first), before jitter. */
    Duration ceiling(int failures) {
        int doublings = Math.min(Math.max(failures - 1, 0), 40);
        long millis = initialDelay.toMillis();
        for (int i = 0; i < doublings && millis < maxDelay.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
    }

    /**
     * When to try again after the failure that just happened, or empty to dead-letter.
     *
     * @param failures       failures so far, counting this one
     * @param firstFailureAt when the first failure happened (now, for the first)
     * @param notBefore      the receiver's Retry-After, or null
     */
    Optional<Instant> next(int failures, Instant firstFailureAt, Instant now, Instant notBefore) {
        long ceiling = ceiling(failures).toMillis();
        long wait = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling - ceiling / 2 + 1);
        Instant next = now.plusMillis(wait);
        if (notBefore != null && notBefore.isAfter(next)) {
            next = notBefore;
        }
        return next.isAfter(firstFailureAt.plus(retryFor)) ? Optional.empty() : Optional.of(next);
    }
}
