package io.corral.cloud.admission;

import io.corral.cloud.config.Setting;
import io.corral.cloud.config.SettingType;
import java.time.Duration;
import java.util.List;

/**
 * The definitions of {@link AdmissionSettings}: key, default, range and doc of each, which its builder checks
 * and {@code corral-cloud run} turns into flags, keys and environment variables.
 */
public final class AdmissionKeys {
    private static final String PER_SECOND = "per second";

    public static final Setting<AdmissionMode> MODE = Setting.of("admission.mode",
                    SettingType.enumeration(AdmissionMode.class, "an admission mode"), AdmissionMode.ADAPTIVE,
                    "How new DTLS handshakes are admitted: off (all at once, the baseline), static (the rate, burst "
                            + "and in-flight cap) or adaptive (AIMD from handshake latency and CPU).")
            .name("mode").flag("MODE", "--admission");

    public static final Setting<Double> RATE = Setting.of("admission.rate", SettingType.DECIMAL, 200.0,
                    "Full handshakes per second (static), or where adaptive starts.")
            .range(1.0, 100_000.0).unit(PER_SECOND).name("rate").flag("PER_SECOND", "--admission-rate");

    public static final Setting<Integer> BURST = Setting.of("admission.burst", SettingType.INTEGER, 20,
                    "Full handshakes admitted at once on top of the rate.")
            .range(1, 100_000).name("burst").flag("N", "--admission-burst");

    public static final Setting<Integer> IN_FLIGHT = Setting.of("admission.in-flight", SettingType.INTEGER, 1024,
                    "Full handshakes in flight at most (adaptive: its ceiling, kept to what its rate admits in twice "
                            + "the queue-delay target plus a second).")
            .range(1, 100_000).name("maxInFlight").flag("N", "--admission-in-flight");

    public static final Setting<Integer> PER_SOURCE = Setting.of("admission.per-source", SettingType.INTEGER, null,
                    "Full handshakes in flight at most from one IP address (a NAT, a gateway, one host); at most "
                            + "admission.in-flight.")
            .range(1, 100_000).defaultText("in-flight / 4").name("perSourceInFlight")
            .flag("N", "--admission-per-source");

    public static final Setting<Double> RESUMPTION_RATE = Setting.of("admission.resumption-rate",
                    SettingType.DECIMAL, 2000.0, "Session resumptions per second.")
            .range(1.0, 1_000_000.0).unit(PER_SECOND).name("resumptionRate").flag("PER_SECOND", "--resumption-rate");

    public static final Setting<Integer> RESUMPTION_BURST = Setting.of("admission.resumption-burst",
                    SettingType.INTEGER, 200, "Resumptions admitted at once on top of their rate.")
            .range(1, 1_000_000).name("resumptionBurst").flag("N", "--resumption-burst");

    public static final Setting<Duration> HANDSHAKE_DEADLINE = Setting.of("dtls.handshake-deadline",
                    SettingType.DURATION, Duration.ofSeconds(30),
                    "An admitted handshake not finished after this long counts as abandoned and frees its slot "
                            + "(a device's default handshake timeout).")
            .range(Duration.ofSeconds(1), Duration.ofMinutes(10)).name("handshakeDeadline")
            .flag("DURATION", "--handshake-deadline");

    public static final Setting<Duration> STALL_TIMEOUT = Setting.of("admission.stall-timeout",
                    SettingType.DURATION, null,
                    "An admitted handshake unfinished this long gives its in-flight slot back (at once when the cloud "
                            + "retransmits); at most dtls.handshake-deadline.")
            .range(Duration.ofMillis(100), Duration.ofMinutes(10))
            .defaultText("min(10s, deadline)").name("stallTimeout");

    public static final Setting<Duration> QUEUE_DELAY_TARGET = Setting.of("admission.queue-delay-target",
                    SettingType.DURATION, Duration.ofSeconds(1),
                    "Adaptive: the p90 time admitted handshakes wait for the cloud's threads above which the rate is "
                            + "lowered.")
            .range(Duration.ofMillis(10), Duration.ofSeconds(10)).name("queueDelayTarget")
            .flag("DURATION", "--queue-delay-target");

    public static final Setting<Duration> LATENCY_TARGET = Setting.of("admission.latency-target",
                    SettingType.DURATION, Duration.ofSeconds(1),
                    "Adaptive: the p90 duration of admitted full handshakes (admission to completion) above which the "
                            + "rate is lowered.")
            .range(Duration.ofMillis(50), Duration.ofSeconds(30)).name("latencyTarget")
            .flag("DURATION", "--handshake-latency-target");

    /** At most 30 s: Scandium's cookie is good for 60 s at least, so a hello released within 30 s still passes. */
    public static final Setting<Duration> QUEUE_WAIT = Setting.of("admission.queue-wait", SettingType.DURATION,
                    Duration.ofSeconds(5),
                    "How long a full-handshake hello that cannot be admitted yet waits in the cloud's first-come "
                            + "first-served queue; 0 drops it at once and leaves the retry to the device's DTLS timer.")
            .range(Duration.ZERO, Duration.ofSeconds(30)).name("queueWait")
            .flag("DURATION", "--admission-queue-wait");

    public static final Setting<Double> MIN_RATE = Setting.of("admission.min-rate", SettingType.DECIMAL, 10.0,
                    "Adaptive: the rate never goes below this.")
            .range(1.0, 100_000.0).unit(PER_SECOND).name("minRate");

    public static final Setting<Double> MAX_RATE = Setting.of("admission.max-rate", SettingType.DECIMAL, 20_000.0,
                    "Adaptive: the rate never goes above this; at least admission.min-rate.")
            .range(1.0, 1_000_000.0).unit(PER_SECOND).name("maxRate");

    public static final Setting<Double> CPU_CEILING = Setting.of("admission.cpu-ceiling", SettingType.DECIMAL, 0.9,
                    "Adaptive: above this share of the process's CPUs the rate is not raised any more.")
            .range(0.1, 1.0).unit("share of the CPUs").name("cpuCeiling");

    public static final Setting<Duration> CONTROL_INTERVAL = Setting.of("admission.control-interval",
                    SettingType.DURATION, Duration.ofMillis(250),
                    "Adaptive: how often the rate is reconsidered; static: how often expired handshakes are swept.")
            .range(Duration.ofMillis(10), Duration.ofSeconds(10)).name("controlInterval");

    /** Every admission setting, in documentation order. */
    public static final List<Setting<?>> ALL = List.of(MODE, RATE, BURST, IN_FLIGHT, PER_SOURCE, RESUMPTION_RATE,
            RESUMPTION_BURST, HANDSHAKE_DEADLINE, STALL_TIMEOUT, QUEUE_DELAY_TARGET, LATENCY_TARGET, QUEUE_WAIT,
            MIN_RATE, MAX_RATE, CPU_CEILING, CONTROL_INTERVAL);

    private AdmissionKeys() {
    }
}
