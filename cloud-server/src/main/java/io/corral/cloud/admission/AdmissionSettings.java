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

    private AdmissionSettings(Builder b, int perSourceInFlight) {
        this.mode = b.mode;
        this.rate = b.rate;
        this.burst = b.burst;
        this.maxInFlight = b.maxInFlight;
        this.perSourceInFlight = perSourceInFlight;
        this.resumptionRate = b.resumptionRate;
        this.resumptionBurst = b.resumptionBurst;
        this.handshakeDeadline = b.handshakeDeadline;
        this.stallTimeout = b.stallTimeout;
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
     * Settings of an {@link AdmissionSettings}. Defaults:
     * <ul>
     *   <li>{@code mode}: {@link AdmissionMode#ADAPTIVE}</li>
     *   <li>{@code rate}: 200 full handshakes per second, in [1, 100000]; adaptive starts here</li>
     *   <li>{@code burst}: 20, in [1, 100000]</li>
     *   <li>{@code maxInFlight}: 1024, in [1, 100000]; adaptive keeps it to what its rate admits in twice the
     *       queue-delay target plus a second</li>
     *   <li>{@code perSourceInFlight}: a quarter of {@code maxInFlight}, at least 1; in [1, maxInFlight]</li>
     *   <li>{@code resumptionRate}: 2000 per second, in [1, 1000000]</li>
     *   <li>{@code resumptionBurst}: 200, in [1, 1000000]</li>
     *   <li>{@code handshakeDeadline}: 30 s (a device's default handshake timeout), in [1 s, 10 min]</li>
     *   <li>{@code stallTimeout}: 10 s (the handshake deadline when that is shorter), in [100 ms, handshakeDeadline]</li>
     *   <li>{@code queueDelayTarget}: 1 s, in [10 ms, 10 s]</li>
     *   <li>{@code latencyTarget}: 1 s, in [50 ms, 30 s]</li>
     *   <li>{@code queueWait}: 5 s, in [0, 30 s] (well within the 60 s a cookie stays valid); 0 drops what
     *       cannot be admitted at once</li>
     *   <li>{@code minRate}: 10 per second; {@code maxRate}: 20000 per second; minRate &le; rate &le; maxRate</li>
     *   <li>{@code cpuCeiling}: 0.9, in [0.1, 1.0]</li>
     *   <li>{@code controlInterval}: 250 ms, in [10 ms, 10 s]</li>
     * </ul>
     */
    public static final class Builder {
        private AdmissionMode mode = AdmissionMode.ADAPTIVE;
        private double rate = 200;
        private int burst = 20;
        private int maxInFlight = 1024;
        private Integer perSourceInFlight;
        private double resumptionRate = 2000;
        private int resumptionBurst = 200;
        private Duration handshakeDeadline = Duration.ofSeconds(30);
        /** Null until set: the default follows the handshake deadline (10 s, or the deadline when shorter). */
        private Duration stallTimeout;
        private Duration queueDelayTarget = Duration.ofSeconds(1);
        private Duration latencyTarget = Duration.ofSeconds(1);
        private Duration queueWait = Duration.ofSeconds(5);
        private double minRate = 10;
        private double maxRate = 20_000;
        private double cpuCeiling = 0.9;
        private Duration controlInterval = Duration.ofMillis(250);

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
         * Checks every setting and builds.
         *
         * @throws IllegalArgumentException naming the first bad setting and its allowed range
         */
        public AdmissionSettings build() {
            Objects.requireNonNull(mode, "mode must be off, static or adaptive");
            between("rate", rate, 1, 100_000);
            between("burst", burst, 1, 100_000);
            between("maxInFlight", maxInFlight, 1, 100_000);
            int perSource = perSourceInFlight != null ? perSourceInFlight : Math.max(1, maxInFlight / 4);
            between("perSourceInFlight", perSource, 1, maxInFlight);
            between("resumptionRate", resumptionRate, 1, 1_000_000);
            between("resumptionBurst", resumptionBurst, 1, 1_000_000);
            between("handshakeDeadline", handshakeDeadline, Duration.ofSeconds(1), Duration.ofMinutes(10));
            if (stallTimeout == null) {
                stallTimeout = handshakeDeadline.compareTo(Duration.ofSeconds(10)) < 0 ? handshakeDeadline
                        : Duration.ofSeconds(10);
            }
            between("stallTimeout", stallTimeout, Duration.ofMillis(100), handshakeDeadline);
            between("queueDelayTarget", queueDelayTarget, Duration.ofMillis(10), Duration.ofSeconds(10));
            between("latencyTarget", latencyTarget, Duration.ofMillis(50), Duration.ofSeconds(30));
            // Scandium renews its cookie secret every 60 s and accepts the one before: a cookie is good for 60 s at
            // least, so a hello released within 30 s of its cookie still passes.
            between("queueWait", queueWait, Duration.ZERO, Duration.ofSeconds(30));
            between("minRate", minRate, 1, 100_000);
            between("maxRate", maxRate, minRate, 1_000_000);
            if (mode == AdmissionMode.ADAPTIVE) {
                between("rate", rate, minRate, maxRate);
            }
            between("cpuCeiling", cpuCeiling, 0.1, 1.0);
            between("controlInterval", controlInterval, Duration.ofMillis(10), Duration.ofSeconds(10));
            return new AdmissionSettings(this, perSource);
        }

        private static void between(String field, double value, double min, double max) {
            if (!(value >= min && value <= max)) {
                throw new IllegalArgumentException(field + " must be in [" + format(min) + ", " + format(max)
                        + "], was " + format(value));
            }
        }

        private static void between(String field, Duration value, Duration min, Duration max) {
            if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(field + " must be in [" + format(min) + ", " + format(max)
                        + "], was " + (value == null ? "nothing" : format(value)));
            }
        }

        /** 250 ms, 30 s, 10 min: as a person writes them. */
        private static String format(Duration value) {
            if (value.toMillis() < 1000 || value.toMillis() % 1000 != 0) {
                return value.toMillis() + " ms";
            }
            return value.toSeconds() < 60 || value.toSeconds() % 60 != 0 ? value.toSeconds() + " s"
                    : value.toMinutes() + " min";
        }

        private static String format(double value) {
            return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        }
    }
}
