package io.corral.cloud.cli;

import io.corral.cloud.admission.AdmissionMode;
import io.corral.cloud.admission.AdmissionSettings;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code run} command's admission-control options. The ranges live in {@link AdmissionSettings.Builder};
 * its messages name the setting, and this names the flag instead.
 */
final class AdmissionOptions {
    /** Builder setting names, as the builder's messages start, and the flags that set them. */
    private static final Map<String, String> FLAGS = Map.of(
            "rate", "--admission-rate",
            "burst", "--admission-burst",
            "maxInFlight", "--admission-in-flight",
            "perSourceInFlight", "--admission-per-source",
            "resumptionRate", "--resumption-rate",
            "resumptionBurst", "--resumption-burst",
            "handshakeDeadline", "--handshake-deadline",
            "queueDelayTarget", "--queue-delay-target",
            "latencyTarget", "--handshake-latency-target",
            "queueWait", "--admission-queue-wait");

    @Option(names = "--admission", paramLabel = "MODE", defaultValue = "adaptive", converter = ModeConverter.class,
            description = {"How new DTLS handshakes are admitted: off (all at once, the baseline), static (the rate,",
                    "burst and in-flight cap below) or adaptive (AIMD from handshake latency and CPU). Default: adaptive."})
    private AdmissionMode mode;

    @Option(names = "--admission-rate", paramLabel = "PER_SECOND",
            description = "Full handshakes per second (static), or where adaptive starts; in [1, 100000]. Default: 200.")
    private Double rate;

    @Option(names = "--admission-burst", paramLabel = "N",
            description = "Full handshakes admitted at once on top of the rate; in [1, 100000]. Default: 20.")
    private Integer burst;

    @Option(names = "--admission-in-flight", paramLabel = "N",
            description = "Full handshakes in flight at most (adaptive: its ceiling); in [1, 100000]. Default: 1024.")
    private Integer inFlight;

    @Option(names = "--admission-per-source", paramLabel = "N",
            description = "Full handshakes in flight at most from one IP address; in [1, --admission-in-flight]. "
                    + "Default: a quarter of --admission-in-flight.")
    private Integer perSource;

    @Option(names = "--resumption-rate", paramLabel = "PER_SECOND",
            description = "Session resumptions per second; in [1, 1000000]. Default: 2000.")
    private Double resumptionRate;

    @Option(names = "--resumption-burst", paramLabel = "N",
            description = "Resumptions admitted at once on top of their rate; in [1, 1000000]. Default: 200.")
    private Integer resumptionBurst;

    @Option(names = "--handshake-deadline", paramLabel = "SECONDS",
            description = "An admitted handshake not finished after this long counts as abandoned; in [1 s, 10 min]. "
                    + "Default: 30.")
    private Integer deadlineSeconds;

    @Option(names = "--queue-delay-target", paramLabel = "MILLIS",
            description = "Adaptive: the p90 time admitted handshakes wait for the cloud's threads above which the "
                    + "rate is lowered; in [10 ms, 10 s]. Default: 1000.")
    private Integer queueDelayTargetMillis;

    @Option(names = "--handshake-latency-target", paramLabel = "MILLIS",
            description = "Adaptive: the p90 duration of admitted full handshakes (admission to completion) above "
                    + "which the rate is lowered; in [50 ms, 30 s]. Default: 1000.")
    private Integer latencyTargetMillis;

    @Option(names = "--admission-queue-wait", paramLabel = "MILLIS",
            description = {"How long a full-handshake hello that cannot be admitted yet waits in the cloud's",
                    "first-come first-served queue before it is dropped; 0 drops it at once and leaves the retry to the",
                    "device's DTLS timer. In [0 ms, 30 s]. Default: 5000."})
    private Integer queueWaitMillis;

    /** The settings these options describe; a value out of range fails naming its flag and the range. */
    AdmissionSettings settings(CommandLine commandLine) {
        AdmissionSettings.Builder builder = AdmissionSettings.builder().mode(mode);
        if (rate != null) {
            builder.rate(rate);
        }
        if (burst != null) {
            builder.burst(burst);
        }
        if (inFlight != null) {
            builder.maxInFlight(inFlight);
        }
        if (perSource != null) {
            builder.perSourceInFlight(perSource);
        }
        if (resumptionRate != null) {
            builder.resumptionRate(resumptionRate);
        }
        if (resumptionBurst != null) {
            builder.resumptionBurst(resumptionBurst);
        }
        if (deadlineSeconds != null) {
            builder.handshakeDeadline(Duration.ofSeconds(deadlineSeconds));
        }
        if (queueDelayTargetMillis != null) {
            builder.queueDelayTarget(Duration.ofMillis(queueDelayTargetMillis));
        }
        if (latencyTargetMillis != null) {
            builder.latencyTarget(Duration.ofMillis(latencyTargetMillis));
        }
        if (queueWaitMillis != null) {
            builder.queueWait(Duration.ofMillis(queueWaitMillis));
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, flagged(e.getMessage()), e);
        }
    }

    /** "rate must be in [1, 100000], was 0" becomes "--admission-rate must be in [1, 100000], was 0". */
    private static String flagged(String message) {
        int space = message.indexOf(' ');
        String flag = space < 0 ? null : FLAGS.get(message.substring(0, space));
        return flag == null ? message : flag + message.substring(space);
    }

    static final class ModeConverter implements ITypeConverter<AdmissionMode> {
        @Override
        public AdmissionMode convert(String value) {
            try {
                return AdmissionMode.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not an admission mode: use off, static or adaptive");
            }
        }
    }
}
