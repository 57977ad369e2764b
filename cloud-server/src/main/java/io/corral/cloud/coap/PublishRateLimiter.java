package io.corral.cloud.coap;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Per-device token bucket for publishes, as the generic cell rate algorithm: each device keeps one "theoretical
 * arrival time" (TAT) in an AtomicLong, so a check is a read and a CAS, with no lock and no refill thread.
 *
 * <p>With rate r and burst b, every publish moves the TAT forward by 1/r; a publish is allowed while the TAT
 * stays at most b/r ahead of now. That admits b publishes at once and then r per second, exactly like a bucket
 * of b tokens refilled at r per second.
 *
 * <p>Buckets are kept per device id for the life of the endpoint, so reconnecting does not refill them.
 */
final class PublishRateLimiter {
    private final long intervalNanos;
    private final long burstWindowNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, AtomicLong> arrivals = new ConcurrentHashMap<>();

    PublishRateLimiter(double ratePerSecond, int burst) {
        this(ratePerSecond, burst, System::nanoTime);
    }

    PublishRateLimiter(double ratePerSecond, int burst, LongSupplier nanoClock) {
        this.intervalNanos = Math.max(1, Math.round(TimeUnit.SECONDS.toNanos(1) / ratePerSecond));
        this.burstWindowNanos = saturatedMultiply(intervalNanos, burst);
        this.nanoClock = nanoClock;
    }

    /**
     * Takes a token for the device if one is available.
     *
     * @return 0 if the publish may go ahead, else the nanoseconds until a token will be available
     */
    long tryAcquire(String deviceId) {
        // A new device starts with TAT = now, which is a full bucket.
        AtomicLong tat = arrivals.computeIfAbsent(deviceId, id -> new AtomicLong(nanoClock.getAsLong()));
        while (true) {
            long now = nanoClock.getAsLong();
            long current = tat.get();
            // nanoTime may be negative: compare differences, never raw values.
            long start = current - now < 0 ? now : current;
            long next = start + intervalNanos;
            long ahead = next - now;
            if (ahead > burstWindowNanos) {
                return ahead - burstWindowNanos;
            }
            if (tat.compareAndSet(current, next)) {
                return 0;
            }
        }
    }

    private static long saturatedMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return (high == 0 && low >= 0) ? low : Long.MAX_VALUE;
    }
}
