package io.corral.cloud.admission;

import java.time.Duration;
import java.util.Objects;

/**
 * How the cloud admits DTLS handshakes; immutable. Build one with {@link #builder()}; {@link #defaults()} is the
 * adaptive policy with the defaults below.
 *
 * <pre>{@code
 * AdmissionSettings settings = AdmissionSettings.builder().mode(AdmissionMode.STATIC).rate(50).burst(10).build();
 * }</pre>
 */
public final class AdmissionSettings {
    private final AdmissionMode mode;
    private final double rate;
    private final int burst;
    private final int maxInFlight;
    private final int perSourceInFlight;
    private final double resumptionRate;
    private final int resumptionBurst;
    private final Duration handshakeDeadline;
    private final Duration stallTimeout;
    private final Duration queueDelayTarget;
    private final Duration latencyTarget;
    private final Duration queueWait;
    private final double minRate;
    private final double maxRate;
    private final double cpuCeiling;
    private final Duration controlInterval;

    private AdmissionSettings(Builder b, int perSourceInFlight, Duration stallTimeout) {
        this.mode = b.mode;
        this.rate = b.rate;
        this.burst = b.burst;
        this.maxInFlight = b.maxInFlight;
        this.perSourceInFlight = perSourceInFlight;
        this.resumptionRate = b.resumptionRate;
        this.resumptionBurst = b.resumptionBurst;
        this.handshakeDeadline = b.handshakeDeadline;
        this.stallTimeout = stallTimeout;
        this.queueDelayTarget = b.queueDelayTarget;
        this.latencyTarget = b.latencyTarget;
        this.queueWait = b.queueWait;
        this.minRate = b.minRate;
        this.maxRate = b.maxRate;
        this.cpuCeiling = b.cpuCeiling;
        this.controlInterval = b.controlInterval;
    }

    /** A builder with the defaults documented on {@link Builder}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The adaptive policy with every default. */
    public static AdmissionSettings defaults() {
        return builder().build();
    }

    /** Everything admitted: the baseline. */
    public static AdmissionSettings off() {
        return builder().mode(AdmissionMode.OFF).build();
    }

    public AdmissionMode mode() {
        return mode;
    }

    /** Full handshakes per second (static), or the starting rate (adaptive). */
    public double rate() {
        return rate;
    }

    /** Full handshakes admitted at once on top of the rate. */
    public int burst() {
        return burst;
    }

    /** Full handshakes in flight at most (adaptive: the ceiling of its own limit). */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** Full handshakes in flight at most from one source IP address. */
    public int perSourceInFlight() {
        return perSourceInFlight;
    }

    /** Resumptions per second. */
    public double resumptionRate() {
        return resumptionRate;
    }

    /** Resumptions admitted at once on top of their rate. */
    public int resumptionBurst() {
        return resumptionBurst;
    }

    /** How long an admitted handshake may take before it counts as abandoned and frees its slot. */
    public Duration handshakeDeadline() {
        return handshakeDeadline;
    }

    /**
     * How long an admitted handshake may go without finishing before it gives its in-flight slot back; it gives
     * it back at once when the cloud has to retransmit its flight. It still counts, and may still complete, until
     * the {@link #handshakeDeadline()}.
     */
    public Duration stallTimeout() {
        return stallTimeout;
    }

    /**
     * Adaptive: the 90th percentile of the queue delay (admission to the start of the handshake's work) above
     * which the rate is lowered.
     */
    public Duration queueDelayTarget() {
        return queueDelayTarget;
    }

    /**
     * Adaptive: the 90th percentile of full handshakes' duration (admission to completion) above which the rate is
     * lowered. A handshake much slower than a device's first retransmission (1 s) makes it send its flight again,
     * and one slower than its timeout is abandoned: work wasted on both sides.
     */
    public Duration latencyTarget() {
        return latencyTarget;
    }

    /**
     * How long a full-handshake CLIENT_HELLO the policy cannot admit yet waits in the cloud's first-in first-out
     * queue, to be handed to Scandium as soon as the rate and the in-flight cap allow; past this it is dropped.
     * Zero drops it at once, and the device's DTLS retransmission timer (1, 2, 4, 8 s ...) decides when it tries
     * again. The queue holds at most the rate times this many hellos; a hello that finds it full is dropped.
     */
    public Duration queueWait() {
        return queueWait;
    }

    /** Whether hellos that cannot be admitted yet are queued rather than dropped. */
    public boolean queues() {
        return mode != AdmissionMode.OFF && !queueWait.isZero();
    }

    /** Adaptive: the rate never goes below this. */
    public double minRate() {
        return minRate;
    }

    /** Adaptive: the rate never goes above this. */
    public double maxRate() {
        return maxRate;
    }

    /** Adaptive: above this share of the process's CPUs the rate is not raised any more. */
    public double cpuCeiling() {
        return cpuCeiling;
    }

    /** Adaptive: how often the rate is reconsidered; static: how often expired handshakes are swept. */
    public Duration controlInterval() {
        return controlInterval;
    }

    @Override
    public String toString() {
        return switch (mode) {
            case OFF -> "admission off";
            case STATIC -> String.format(java.util.Locale.ROOT, "admission static: %.0f/s burst %d, %d in flight "
                    + "(%d per source), resumptions %.0f/s burst %d", rate, burst, maxInFlight, perSourceInFlight,
                    resumptionRate, resumptionBurst);
            case ADAPTIVE -> String.format(java.util.Locale.ROOT, "admission adaptive: from %.0f/s in [%.0f, %.0f], "
                    + "queue-delay target %d ms, handshake latency target %d ms, CPU ceiling %.0f%%, at most %d in "
                    + "flight, queue wait %d ms, resumptions %.0f/s", rate, minRate, maxRate,
                    queueDelayTarget.toMillis(), latencyTarget.toMillis(), cpuCeiling * 100, maxInFlight,
                    queueWait.toMillis(), resumptionRate);
        };
    }

    /**
     * Settings of an {@link AdmissionSettings}. The default, range and doc of each are defined once, in
     * {@link AdmissionKeys} ({@code corral-cloud config show} prints them, {@code docs/corral.properties.example}
     * lists them); the builder's name for each is the definition's {@link io.corral.cloud.config.Setting#name()}.
     * Two ranges follow other settings: {@code perSourceInFlight} is at most {@code maxInFlight} (a quarter of it
     * by default), {@code stallTimeout} at most {@code handshakeDeadline} (10 s by default, or the deadline when
     * shorter); and in adaptive mode {@code minRate} &le; {@code rate} &le; {@code maxRate}.
     */
    public static final class Builder {
        private AdmissionMode mode = AdmissionKeys.MODE.defaultValue();
        private double rate = AdmissionKeys.RATE.defaultValue();
        private int burst = AdmissionKeys.BURST.defaultValue();
        private int maxInFlight = AdmissionKeys.IN_FLIGHT.defaultValue();
        /** Null until set: the default follows maxInFlight. */
        private Integer perSourceInFlight;
        private double resumptionRate = AdmissionKeys.RESUMPTION_RATE.defaultValue();
        private int resumptionBurst = AdmissionKeys.RESUMPTION_BURST.defaultValue();
        private Duration handshakeDeadline = AdmissionKeys.HANDSHAKE_DEADLINE.defaultValue();
        /** Null until set: the default follows the handshake deadline (10 s, or the deadline when shorter). */
        private Duration stallTimeout;
        private Duration queueDelayTarget = AdmissionKeys.QUEUE_DELAY_TARGET.defaultValue();
        private Duration latencyTarget = AdmissionKeys.LATENCY_TARGET.defaultValue();
        private Duration queueWait = AdmissionKeys.QUEUE_WAIT.defaultValue();
        private double minRate = AdmissionKeys.MIN_RATE.defaultValue();
        private double maxRate = AdmissionKeys.MAX_RATE.defaultValue();
        private double cpuCeiling = AdmissionKeys.CPU_CEILING.defaultValue();
        private Duration controlInterval = AdmissionKeys.CONTROL_INTERVAL.defaultValue();

        private Builder() {
        }

        public Builder mode(AdmissionMode mode) {
            this.mode = mode;
            return this;
        }

        /** Full handshakes per second: the static rate, or where the adaptive policy starts. */
        public Builder rate(double rate) {
            this.rate = rate;
            return this;
        }

        public Builder burst(int burst) {
            this.burst = burst;
            return this;
        }

        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** Fairness: one source address (a NAT, a gateway, one host) may hold at most this many full handshakes. */
        public Builder perSourceInFlight(int perSourceInFlight) {
            this.perSourceInFlight = perSourceInFlight;
            return this;
        }

        public Builder resumptionRate(double resumptionRate) {
            this.resumptionRate = resumptionRate;
            return this;
        }

        public Builder resumptionBurst(int resumptionBurst) {
            this.resumptionBurst = resumptionBurst;
            return this;
        }

        public Builder handshakeDeadline(Duration handshakeDeadline) {
            this.handshakeDeadline = handshakeDeadline;
            return this;
        }

        public Builder stallTimeout(Duration stallTimeout) {
            this.stallTimeout = stallTimeout;
            return this;
        }

        public Builder queueDelayTarget(Duration queueDelayTarget) {
            this.queueDelayTarget = queueDelayTarget;
            return this;
        }

        public Builder latencyTarget(Duration latencyTarget) {
            this.latencyTarget = latencyTarget;
            return this;
        }

        /** How long a hello that cannot be admitted yet is held; zero drops it at once. */
        public Builder queueWait(Duration queueWait) {
            this.queueWait = queueWait;
            return this;
        }

        /** The adaptive rate's floor and ceiling. */
        public Builder rateRange(double minRate, double maxRate) {
            this.minRate = minRate;
            this.maxRate = maxRate;
            return this;
        }

        public Builder cpuCeiling(double cpuCeiling) {
            this.cpuCeiling = cpuCeiling;
            return this;
        }

        public Builder controlInterval(Duration controlInterval) {
            this.controlInterval = controlInterval;
            return this;
        }

        /**
         * Checks every setting against its definition in {@link AdmissionKeys} and builds.
         *
         * @throws io.corral.cloud.config.SettingException naming the first bad setting and its allowed range
         */
        public AdmissionSettings build() {
            Objects.requireNonNull(mode, "mode must be off, static or adaptive");
            AdmissionKeys.RATE.check(rate);
            AdmissionKeys.BURST.check(burst);
            AdmissionKeys.IN_FLIGHT.check(maxInFlight);
            int perSource = perSourceInFlight != null ? perSourceInFlight : Math.max(1, maxInFlight / 4);
            AdmissionKeys.PER_SOURCE.check(perSource, 1, maxInFlight);
            AdmissionKeys.RESUMPTION_RATE.check(resumptionRate);
            AdmissionKeys.RESUMPTION_BURST.check(resumptionBurst);
            AdmissionKeys.HANDSHAKE_DEADLINE.check(handshakeDeadline);
            Duration stall = stallTimeout != null ? stallTimeout
                    : handshakeDeadline.compareTo(Duration.ofSeconds(10)) < 0 ? handshakeDeadline : Duration.ofSeconds(10);
            AdmissionKeys.STALL_TIMEOUT.check(stall, AdmissionKeys.STALL_TIMEOUT.min(), handshakeDeadline);
            AdmissionKeys.QUEUE_DELAY_TARGET.check(queueDelayTarget);
            AdmissionKeys.LATENCY_TARGET.check(latencyTarget);
            AdmissionKeys.QUEUE_WAIT.check(queueWait);
            AdmissionKeys.MIN_RATE.check(minRate);
            AdmissionKeys.MAX_RATE.check(maxRate, minRate, AdmissionKeys.MAX_RATE.max());
            if (mode == AdmissionMode.ADAPTIVE) {
                AdmissionKeys.RATE.check(rate, minRate, maxRate);
            }
            AdmissionKeys.CPU_CEILING.check(cpuCeiling);
            AdmissionKeys.CONTROL_INTERVAL.check(controlInterval);
            return new AdmissionSettings(this, perSource, stall);
        }
    }
}
