package io.corral.cloud.admission;

/**
 * The adaptive policy's rule: additive increase, multiplicative decrease of the full-handshake rate, as TCP does
 * with its window, with a slow start so that a cold cloud reaches its capacity in a few steps.
 *
 * <ul>
 *   <li><b>Decrease</b> when, over the last interval, the 90th percentile of the queue delay (admission to the
 *       start of the handshake's work) or of the handshake latency (admission to completion) is above its
 *       target: admitted handshakes wait for the cloud's threads, or share a saturated CPU so that each takes
 *       longer, so the rate is above what the cloud can do. The rate drops to {@value #DECREASE} of
 *       itself, and that level becomes the slow-start threshold. No second decrease follows until the handshakes
 *       admitted before the first had time to drain ({@link #COOLDOWN_INTERVALS} intervals).</li>
 *   <li><b>Increase</b> only while the rate turns devices away (it is what limits them), handshakes complete,
 *       the queue delay is within target and the process CPU is below its ceiling: multiplicatively by {@value #SLOW_START} below
 *       the threshold, then additively by {@value #ADDITIVE_SHARE} of the threshold per interval.</li>
 *   <li><b>Hold</b> otherwise. An idle cloud keeps what it learnt. After {@link #PROBE_AFTER_INTERVALS} intervals
 *       without a decrease, slow start may probe again, since the capacity may have grown.</li>
 * </ul>
 *
 * Not thread-safe: the controller's tick thread alone calls it.
 */
final class AimdRate {
    static final double DECREASE = 0.7;
    static final double SLOW_START = 1.5;
    static final double ADDITIVE_SHARE = 0.04;
    static final int COOLDOWN_INTERVALS = 4;
    static final int PROBE_AFTER_INTERVALS = 40;

    /**
     * What one control interval measured.
     *
     * @param deferred       hellos the rate turned away
     * @param started        full handshakes started (each a queue-delay sample)
     * @param completed      full handshakes completed
     * @param queueP90Nanos  90th percentile of admission-to-start
     * @param cpu            the process's share of its CPUs
     * @param latencyP90Nanos 90th percentile of admission-to-completion of the handshakes completed
     */
    record Interval(long deferred, long started, long completed, long queueP90Nanos, double cpu,
                    long latencyP90Nanos) {
        Interval(long deferred, long started, long completed, long queueP90Nanos, double cpu) {
            this(deferred, started, completed, queueP90Nanos, cpu, 0);
        }
    }

    private final double minRate;
    private final double maxRate;
    private final long queueDelayTargetNanos;
    private final long latencyTargetNanos;
    private final double cpuCeiling;
    private double rate;
    private double threshold = Double.POSITIVE_INFINITY;
    private int sinceDecrease = Integer.MAX_VALUE / 2;

    AimdRate(AdmissionSettings settings) {
        this.minRate = settings.minRate();
        this.maxRate = settings.maxRate();
        this.queueDelayTargetNanos = settings.queueDelayTarget().toNanos();
        this.latencyTargetNanos = settings.latencyTarget().toNanos();
        this.cpuCeiling = settings.cpuCeiling();
        this.rate = settings.rate();
    }

    double rate() {
        return rate;
    }

    /** One control step; returns the new rate. */
    double next(Interval interval) {
        sinceDecrease++;
        boolean late = interval.started() > 0 && interval.queueP90Nanos() > queueDelayTargetNanos
                || interval.completed() > 0 && interval.latencyP90Nanos() > latencyTargetNanos;
        if (late) {
            if (sinceDecrease > COOLDOWN_INTERVALS) {
                threshold = Math.max(minRate, rate * DECREASE);
                rate = threshold;
                sinceDecrease = 0;
            }
            return rate;
        }
        if (sinceDecrease > PROBE_AFTER_INTERVALS) {
            threshold = Double.POSITIVE_INFINITY;
        }
        // Raise only on evidence: the rate turned devices away, and handshakes did complete in time.
        boolean limited = interval.deferred() > 0 && interval.completed() > 0;
        if (limited && interval.cpu() < cpuCeiling && sinceDecrease > COOLDOWN_INTERVALS) {
            double raised = rate < threshold ? Math.min(rate * SLOW_START, threshold)
                    : rate + Math.max(1, threshold * ADDITIVE_SHARE);
            rate = Math.min(maxRate, raised);
        }
        return rate;
    }
}
