package io.corral.cloud.admission;

/**
 * The adaptive policy's rule: additive increase, multiplicative decrease of the full-handshake rate, as TCP does
 * with its window, with a slow start so that a cold cloud reaches its capacity in a few steps, and both kept close
 * to the rate at which the cloud was seen to complete handshakes (its measured throughput).
 *
 * <ul>
 *   <li><b>Decrease</b> when, over the last interval, the 90th percentile of the queue delay (admission to the
 *       start of the handshake's work) or of the handshake latency (admission to completion) is above its
 *       target: admitted handshakes wait for the cloud's threads, or share a saturated CPU so that each takes
 *       longer, so the rate is above what the cloud can do. The rate drops to {@value #DECREASE} of itself, and
 *       that level becomes the slow-start threshold. (Not to a share of the throughput: at the start of a burst
 *       the completions lag the admissions by a handshake's duration, and such a cut fell to a fifth of the
 *       capacity.) No second decrease follows until the handshakes admitted before the first had time to drain: the handshakes
 *       in flight at the throughput, and at least {@link #COOLDOWN_INTERVALS} intervals. They were admitted at
 *       the old rate and will be late whatever the new one is.</li>
 *   <li><b>Increase</b> only while the rate turns devices away (it is what limits them), handshakes complete,
 *       the queue delay is within target and the process CPU is below its ceiling: multiplicatively by
 *       {@value #SLOW_START} below the threshold, then additively by {@value #ADDITIVE_SHARE} of the threshold per
 *       interval; never above {@value #HEADROOM} times the throughput, since a rate the cloud does not complete
 *       only fills its queues.</li>
 *   <li><b>Hold</b> otherwise. An idle cloud keeps what it learnt. After {@link #PROBE_AFTER_INTERVALS} intervals
 *       without a decrease, slow start may probe again, since the capacity may have grown.</li>
 * </ul>
 *
 * Not thread-safe: {@link AdaptiveLimit} calls it from the controller's tick thread, under the policy's lock.
 */
final class AimdRate {
    static final double DECREASE = 0.7;
    static final double SLOW_START = 1.5;
    static final double ADDITIVE_SHARE = 0.04;
    static final double HEADROOM = 1.25;
    /** Weight of the newest interval in the throughput's moving average. */
    static final double SMOOTHING = 0.5;
    static final int COOLDOWN_INTERVALS = 4;
    static final int PROBE_AFTER_INTERVALS = 40;

    /**
     * What one control interval measured; every {@link AdmissionLimit} is shown it
     * ({@link AdmissionLimit#onInterval}), this rule being the first to read it.
     *
     * @param deferred        hellos the rate turned away or queued
     * @param started         full handshakes started (each a queue-delay sample)
     * @param completed       full handshakes completed
     * @param queueP90Nanos   90th percentile of admission-to-start
     * @param cpu             the process's share of its CPUs
     * @param latencyP90Nanos 90th percentile of admission-to-completion of the handshakes completed
     * @param inFlight        full handshakes in flight at the end of the interval
     * @param seconds         how long the interval lasted; NaN for the configured control interval
     */
    record Interval(long deferred, long started, long completed, long queueP90Nanos, double cpu,
                    long latencyP90Nanos, int inFlight, double seconds) {
        Interval(long deferred, long started, long completed, long queueP90Nanos, double cpu,
                 long latencyP90Nanos, int inFlight) {
            this(deferred, started, completed, queueP90Nanos, cpu, latencyP90Nanos, inFlight, Double.NaN);
        }

        Interval(long deferred, long started, long completed, long queueP90Nanos, double cpu) {
            this(deferred, started, completed, queueP90Nanos, cpu, 0, 0);
        }
    }

    private final double minRate;
    private final double maxRate;
    private final long queueDelayTargetNanos;
    private final long latencyTargetNanos;
    private final double cpuCeiling;
    private final double intervalSeconds;
    private double rate;
    private double threshold = Double.POSITIVE_INFINITY;
    /** Completed full handshakes per second, smoothed; NaN until the first completes. */
    private double throughput = Double.NaN;
    private int sinceDecrease = Integer.MAX_VALUE / 2;
    private int cooldown = COOLDOWN_INTERVALS;

    AimdRate(AdmissionSettings settings) {
        this.minRate = settings.minRate();
        this.maxRate = settings.maxRate();
        this.queueDelayTargetNanos = settings.queueDelayTarget().toNanos();
        this.latencyTargetNanos = settings.latencyTarget().toNanos();
        this.cpuCeiling = settings.cpuCeiling();
        this.intervalSeconds = settings.controlInterval().toNanos() / 1e9;
        this.rate = settings.rate();
    }

    double rate() {
        return rate;
    }

    /** Completed full handshakes per second, smoothed over the last intervals; NaN before any completed. */
    double throughput() {
        return throughput;
    }

    /** One control step; returns the new rate. */
    double next(Interval interval) {
        sinceDecrease++;
        double seconds = Double.isNaN(interval.seconds()) ? intervalSeconds : interval.seconds();
        if (interval.completed() > 0) {
            double perSecond = interval.completed() / seconds;
            throughput = Double.isNaN(throughput) ? perSecond : throughput + SMOOTHING * (perSecond - throughput);
        }
        boolean late = interval.started() > 0 && interval.queueP90Nanos() > queueDelayTargetNanos
                || interval.completed() > 0 && interval.latencyP90Nanos() > latencyTargetNanos;
        if (late) {
            if (sinceDecrease > cooldown) {
                threshold = Math.max(minRate, rate * DECREASE);
                rate = threshold;
                sinceDecrease = 0;
                cooldown = COOLDOWN_INTERVALS;
                if (!Double.isNaN(throughput)) {
                    double drainIntervals = interval.inFlight() / (throughput * seconds);
                    cooldown = (int) Math.min(PROBE_AFTER_INTERVALS / 2,
                            Math.max(COOLDOWN_INTERVALS, Math.ceil(drainIntervals)));
                }
            }
            return rate;
        }
        if (sinceDecrease > PROBE_AFTER_INTERVALS) {
            threshold = Double.POSITIVE_INFINITY;
        }
        // Raise only on evidence: the rate turned devices away, and handshakes did complete in time.
        boolean limited = interval.deferred() > 0 && interval.completed() > 0;
        if (limited && interval.cpu() < cpuCeiling && sinceDecrease > cooldown) {
            double raised = rate < threshold ? Math.min(rate * SLOW_START, threshold)
                    : rate + Math.max(1, threshold * ADDITIVE_SHARE);
            if (!Double.isNaN(throughput)) {
                raised = Math.min(raised, Math.max(rate, throughput * HEADROOM));
            }
            rate = Math.min(maxRate, raised);
        }
        return rate;
    }
}
