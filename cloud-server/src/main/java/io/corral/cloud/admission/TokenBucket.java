package io.corral.cloud.admission;

/**
 * A token bucket whose rate may change while it runs. Not thread-safe: {@link AdmissionPolicy} guards it.
 *
 * <p>Tokens accrue at {@code rate} per second up to {@code burst}; the bucket starts full. Over any window of
 * {@code t} seconds it hands out at most {@code rate * t + burst} tokens, which is the property the herd tests check.
 */
final class TokenBucket {
    private double rate;
    private double burst;
    private double tokens;
    private long refilledAt;

    TokenBucket(double rate, double burst, long nowNanos) {
        this.rate = rate;
        this.burst = burst;
        this.tokens = burst;
        this.refilledAt = nowNanos;
    }

    boolean tryTake(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** How long until a token is there to take: 0 if one is now. */
    long nanosUntilToken(long nowNanos) {
        refill(nowNanos);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / rate * 1e9);
    }

    /** Changes rate and burst from now on; tokens already earned are kept, up to the new burst. */
    void reconfigure(double newRate, double newBurst, long nowNanos) {
        refill(nowNanos);
        rate = newRate;
        burst = newBurst;
        tokens = Math.min(tokens, burst);
    }

    double rate() {
        return rate;
    }

    double burst() {
        return burst;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - refilledAt;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + rate * elapsed / 1e9);
            refilledAt = nowNanos;
        }
    }
}
