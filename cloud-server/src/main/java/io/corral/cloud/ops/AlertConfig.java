package io.corral.cloud.ops;

import io.corral.cloud.config.Durations;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;

/**
 * The settings of the built-in alert evaluator: how often it evaluates, and for each rule its route, severity,
 * how long its condition must hold before it fires ({@code for}) and its thresholds. Immutable; built by
 * {@link #builder()} or read from a properties file by {@link #load(Path)}.
 *
 * <p>Defaults (the table):
 * <ul>
 *   <li>{@code evaluation-interval}: 5 s</li>
 *   <li>{@code worker-down}: heartbeat missing for more than 15 s ({@code heartbeat-timeout}), or 3 or more
 *       restarts ({@code max-restarts}) within 10 min ({@code restart-window}); page</li>
 *   <li>{@code flow-imbalance}: over a 5 min window ({@code window}), deliveries matched differ from delivered +
 *       failed + change of queued by more than 5 % ({@code tolerance}) and at least 10 ({@code min-imbalance}); page</li>
 *   <li>{@code delivery-backlog}: the oldest pending delivery is older than 5 min ({@code max-age}); page</li>
 *   <li>{@code file-descriptors}: more than 80 % used ({@code utilisation}), or exhaustion predicted within 1 h
 *       ({@code horizon}) at the slope over the last 10 min ({@code slope-window}); measured against the
 *       process limit, or a lower {@code budget}; page</li>
 *   <li>{@code watchdog-stalled}: a periodic task (fd watchdog, alert evaluation, flushers, janitors) has not
 *       finished a run for more than 5 of its periods ({@code periods}); page</li>
 *   <li>{@code disk-free}: the file system of the data directory has less than 512 MiB ({@code min-bytes}) or
 *       less than 2 % ({@code min-fraction}) free; page</li>
 *   <li>{@code devices-drop}: more than 10 % ({@code fraction}) fewer devices than the most seen within 1 min
 *       ({@code window}), counting only from 10 devices ({@code min-devices}); page</li>
 *   <li>{@code event-traffic-low}: the event rate over a 1 min window ({@code window}) is below 50 %
 *       ({@code fraction}) of its EWMA baseline (half-life 1 h, {@code half-life}), once the baseline has learned
 *       for 30 min ({@code warmup}) and is at least 0.1 events/s ({@code min-rate}); held 10 min; ticket</li>
 *   <li>{@code admission-deferring}: more than 50 % ({@code fraction}) of at least 20 ({@code min-handshakes})
 *       handshakes within 1 min ({@code window}) deferred, held 5 min; ticket</li>
 *   <li>{@code api-errors}: more than 5 % ({@code fraction}) of the API's responses within 1 min
 *       ({@code window}) are 5xx, counting from 5 errors ({@code min-errors}); ticket</li>
 *   <li>{@code notifier-failing}: a notifier failed 3 sends in a row ({@code consecutive-failures}); ticket</li>
 * </ul>
 *
 * <p>Properties file keys: {@code evaluation-interval}, {@code <rule>.route} ({@code page|ticket|log}),
 * {@code <rule>.severity} ({@code critical|warning}), {@code <rule>.enabled}, {@code <rule>.for} and
 * {@code <rule>.<threshold>} as above. Durations are written {@code 500ms}, {@code 15s}, {@code 10m}, {@code 1h}.
 * Unknown keys are refused, so a typo cannot silently disable a rule.
 */
public final class AlertConfig {
    private final Duration evaluationInterval;
    private final Map<RuleId, RuleSettings> rules;
    final Duration heartbeatTimeout;
    final int maxRestarts;
    final Duration restartWindow;
    final Duration flowWindow;
    final double flowTolerance;
    final long flowMinImbalance;
    final Duration backlogMaxAge;
    final double fdUtilisation;
    final Duration fdHorizon;
    final Duration fdSlopeWindow;
    final long fdBudget;
    final double devicesDropFraction;
    final Duration devicesDropWindow;
    final long devicesDropMinDevices;
    final double trafficFraction;
    final Duration trafficWindow;
    final Duration trafficHalfLife;
    final Duration trafficWarmup;
    final double trafficMinRate;
    final double admissionFraction;
    final Duration admissionWindow;
    final long admissionMinHandshakes;
    final int notifierConsecutiveFailures;
    final double apiErrorFraction;
    final Duration apiErrorWindow;
    final long apiMinErrors;
    final int stalledPeriods;
    final long diskFreeMinBytes;
    final double diskFreeMinFraction;

    private AlertConfig(Builder b) {
        this.evaluationInterval = b.evaluationInterval;
        this.rules = Map.copyOf(b.rules);
        this.heartbeatTimeout = b.heartbeatTimeout;
        this.maxRestarts = b.maxRestarts;
        this.restartWindow = b.restartWindow;
        this.flowWindow = b.flowWindow;
        this.flowTolerance = b.flowTolerance;
        this.flowMinImbalance = b.flowMinImbalance;
        this.backlogMaxAge = b.backlogMaxAge;
        this.fdUtilisation = b.fdUtilisation;
        this.fdHorizon = b.fdHorizon;
        this.fdSlopeWindow = b.fdSlopeWindow;
        this.fdBudget = b.fdBudget;
        this.devicesDropFraction = b.devicesDropFraction;
        this.devicesDropWindow = b.devicesDropWindow;
        this.devicesDropMinDevices = b.devicesDropMinDevices;
        this.trafficFraction = b.trafficFraction;
        this.trafficWindow = b.trafficWindow;
        this.trafficHalfLife = b.trafficHalfLife;
        this.trafficWarmup = b.trafficWarmup;
        this.trafficMinRate = b.trafficMinRate;
        this.admissionFraction = b.admissionFraction;
        this.admissionWindow = b.admissionWindow;
        this.admissionMinHandshakes = b.admissionMinHandshakes;
        this.notifierConsecutiveFailures = b.notifierConsecutiveFailures;
        this.apiErrorFraction = b.apiErrorFraction;
        this.apiErrorWindow = b.apiErrorWindow;
        this.apiMinErrors = b.apiMinErrors;
        this.stalledPeriods = b.stalledPeriods;
        this.diskFreeMinBytes = b.diskFreeMinBytes;
        this.diskFreeMinFraction = b.diskFreeMinFraction;
    }

    /** Route, severity, on/off and hold time of one rule. */
    public record RuleSettings(boolean enabled, Route route, Severity severity, Duration holdFor) {
    }

    /** The defaults of the class documentation. */
    public static AlertConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Duration evaluationInterval() {
        return evaluationInterval;
    }

    public RuleSettings rule(RuleId id) {
        return rules.get(id);
    }

    /**
     * Checks that every rule guarding against data loss is enabled and pages.
     *
     * @param allowNonPagingDataLoss the explicit override: log the problems instead of refusing
     * @return the problems the override let through (empty when there are none)
     * @throws AlertConfigException naming each data-loss rule that would not page, unless overridden
     */
    public List<String> validate(boolean allowNonPagingDataLoss) {
        List<String> problems = new ArrayList<>();
        for (RuleId id : RuleId.values()) {
            RuleSettings settings = rules.get(id);
            if (!id.guardsDataLoss()) {
                continue;
            }
            if (!settings.enabled()) {
                problems.add("alert rule '" + id.key() + "' guards against data loss but is disabled");
            } else if (!settings.route().pages()) {
                problems.add("alert rule '" + id.key() + "' guards against data loss but is routed to '"
                        + settings.route().wireName() + "', which does not page");
            }
        }
        if (!problems.isEmpty() && !allowNonPagingDataLoss) {
            throw new AlertConfigException(String.join("; ", problems) + ". Route it to 'page' (" + problemKeys()
                    + "), or start with --allow-nonpaging-data-loss-alerts if nobody should be woken up for lost"
                    + " data");
        }
        return problems;
    }

    private String problemKeys() {
        List<String> keys = new ArrayList<>();
        for (RuleId id : RuleId.values()) {
            RuleSettings s = rules.get(id);
            if (id.guardsDataLoss() && (!s.enabled() || !s.route().pages())) {
                keys.add(id.key() + ".route=page" + (s.enabled() ? "" : ", " + id.key() + ".enabled=true"));
            }
        }
        return String.join(", ", keys);
    }

    /**
     * Reads a properties file over the defaults.
     *
     * @throws AlertConfigException naming the bad key or value
     * @throws IOException          if the file cannot be read
     */
    public static AlertConfig load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted().forEach(k -> values.put(k, properties.getProperty(k)));
        try {
            return fromMap(values);
        } catch (AlertConfigException e) {
            throw new AlertConfigException(file + ": " + e.getMessage());
        }
    }

    /** Settings from key/value pairs over the defaults; see the class documentation for the keys. */
    public static AlertConfig fromMap(Map<String, String> values) {
        Builder builder = builder();
        Map<String, BiConsumer<Builder, String>> setters = setters();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String key = entry.getKey().trim();
            String value = entry.getValue().trim();
            BiConsumer<Builder, String> setter = setters.get(key);
            if (setter == null) {
                throw new AlertConfigException("unknown alert setting '" + key + "'; known: "
                        + String.join(", ", setters.keySet()));
            }
            try {
                setter.accept(builder, value);
            } catch (IllegalArgumentException e) {
                throw new AlertConfigException("alert setting '" + key + "'='" + value + "': " + e.getMessage());
            }
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new AlertConfigException(e.getMessage());
        }
    }

    private static Map<String, BiConsumer<Builder, String>> setters() {
        Map<String, BiConsumer<Builder, String>> s = new LinkedHashMap<>();
        s.put("evaluation-interval", (b, v) -> b.evaluationInterval(duration(v)));
        for (RuleId id : RuleId.values()) {
            s.put(id.key() + ".route", (b, v) -> b.route(id, Route.parse(v)));
            s.put(id.key() + ".severity", (b, v) -> b.severity(id, severity(v)));
            s.put(id.key() + ".enabled", (b, v) -> b.enabled(id, bool(v)));
            s.put(id.key() + ".for", (b, v) -> b.holdFor(id, duration(v)));
        }
        s.put("worker-down.heartbeat-timeout", (b, v) -> b.heartbeatTimeout = duration(v));
        s.put("worker-down.max-restarts", (b, v) -> b.maxRestarts = Integer.parseInt(v));
        s.put("worker-down.restart-window", (b, v) -> b.restartWindow = duration(v));
        s.put("flow-imbalance.window", (b, v) -> b.flowWindow = duration(v));
        s.put("flow-imbalance.tolerance", (b, v) -> b.flowTolerance = fraction(v));
        s.put("flow-imbalance.min-imbalance", (b, v) -> b.flowMinImbalance = Long.parseLong(v));
        s.put("delivery-backlog.max-age", (b, v) -> b.backlogMaxAge = duration(v));
        s.put("file-descriptors.utilisation", (b, v) -> b.fdUtilisation = fraction(v));
        s.put("file-descriptors.horizon", (b, v) -> b.fdHorizon = duration(v));
        s.put("file-descriptors.slope-window", (b, v) -> b.fdSlopeWindow = duration(v));
        s.put("file-descriptors.budget", (b, v) -> b.fdBudget = Long.parseLong(v));
        s.put("watchdog-stalled.periods", (b, v) -> b.stalledPeriods = Integer.parseInt(v));
        s.put("disk-free.min-bytes", (b, v) -> b.diskFreeMinBytes = Long.parseLong(v));
        s.put("disk-free.min-fraction", (b, v) -> b.diskFreeMinFraction = fraction(v));
        s.put("devices-drop.fraction", (b, v) -> b.devicesDropFraction = fraction(v));
        s.put("devices-drop.window", (b, v) -> b.devicesDropWindow = duration(v));
        s.put("devices-drop.min-devices", (b, v) -> b.devicesDropMinDevices = Long.parseLong(v));
        s.put("event-traffic-low.fraction", (b, v) -> b.trafficFraction = fraction(v));
        s.put("event-traffic-low.window", (b, v) -> b.trafficWindow = duration(v));
        s.put("event-traffic-low.half-life", (b, v) -> b.trafficHalfLife = duration(v));
        s.put("event-traffic-low.warmup", (b, v) -> b.trafficWarmup = duration(v));
        s.put("event-traffic-low.min-rate", (b, v) -> b.trafficMinRate = Double.parseDouble(v));
        s.put("admission-deferring.fraction", (b, v) -> b.admissionFraction = fraction(v));
        s.put("admission-deferring.window", (b, v) -> b.admissionWindow = duration(v));
        s.put("admission-deferring.min-handshakes", (b, v) -> b.admissionMinHandshakes = Long.parseLong(v));
        s.put("api-errors.fraction", (b, v) -> b.apiErrorFraction = fraction(v));
        s.put("api-errors.window", (b, v) -> b.apiErrorWindow = duration(v));
        s.put("api-errors.min-errors", (b, v) -> b.apiMinErrors = Long.parseLong(v));
        s.put("notifier-failing.consecutive-failures", (b, v) -> b.notifierConsecutiveFailures = Integer.parseInt(v));
        return s;
    }

    /** Parses {@code 500ms}, {@code 15s}, {@code 10m}, {@code 1h} or {@code 30d}: Corral's one duration syntax. */
    static Duration duration(String text) {
        return Durations.parse(text);
    }

    private static double fraction(String text) {
        String t = text.trim();
        return t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1)) / 100 : Double.parseDouble(t);
    }

    private static boolean bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    private static Severity severity(String text) {
        try {
            return Severity.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("severity must be critical or warning");
        }
    }

    /** Builds an {@link AlertConfig}; starts from the defaults of the class documentation. */
    public static final class Builder {
        private Duration evaluationInterval = Duration.ofSeconds(5);
        private final Map<RuleId, RuleSettings> rules = new EnumMap<>(RuleId.class);
        private Duration heartbeatTimeout = Duration.ofSeconds(15);
        private int maxRestarts = 3;
        private Duration restartWindow = Duration.ofMinutes(10);
        private Duration flowWindow = Duration.ofMinutes(5);
        private double flowTolerance = 0.05;
        private long flowMinImbalance = 10;
        private Duration backlogMaxAge = Duration.ofMinutes(5);
        private double fdUtilisation = 0.80;
        private Duration fdHorizon = Duration.ofHours(1);
        private Duration fdSlopeWindow = Duration.ofMinutes(10);
        private long fdBudget;
        private double devicesDropFraction = 0.10;
        private Duration devicesDropWindow = Duration.ofMinutes(1);
        private long devicesDropMinDevices = 10;
        private double trafficFraction = 0.5;
        private Duration trafficWindow = Duration.ofMinutes(1);
        private Duration trafficHalfLife = Duration.ofHours(1);
        private Duration trafficWarmup = Duration.ofMinutes(30);
        private double trafficMinRate = 0.1;
        private double admissionFraction = 0.5;
        private Duration admissionWindow = Duration.ofMinutes(1);
        private long admissionMinHandshakes = 20;
        private int notifierConsecutiveFailures = 3;
        private double apiErrorFraction = 0.05;
        private Duration apiErrorWindow = Duration.ofMinutes(1);
        private long apiMinErrors = 5;
        private int stalledPeriods = 5;
        private long diskFreeMinBytes = 512L * 1024 * 1024;
        private double diskFreeMinFraction = 0.02;

        private Builder() {
            for (RuleId id : RuleId.values()) {
                Duration hold = switch (id) {
                    case EVENT_TRAFFIC_LOW -> Duration.ofMinutes(10);
                    case ADMISSION_DEFERRING -> Duration.ofMinutes(5);
                    default -> Duration.ZERO;
                };
                rules.put(id, new RuleSettings(true, id.defaultRoute(), id.defaultSeverity(), hold));
            }
        }

        /** How often the rules are evaluated, in [100 ms, 5 min]. */
        public Builder evaluationInterval(Duration interval) {
            this.evaluationInterval = interval;
            return this;
        }

        public Builder route(RuleId id, Route route) {
            RuleSettings s = rules.get(id);
            rules.put(id, new RuleSettings(s.enabled(), route, s.severity(), s.holdFor()));
            return this;
        }

        public Builder severity(RuleId id, Severity severity) {
            RuleSettings s = rules.get(id);
            rules.put(id, new RuleSettings(s.enabled(), s.route(), severity, s.holdFor()));
            return this;
        }

        public Builder enabled(RuleId id, boolean enabled) {
            RuleSettings s = rules.get(id);
            rules.put(id, new RuleSettings(enabled, s.route(), s.severity(), s.holdFor()));
            return this;
        }

        /** How long the rule's condition must hold before it fires, in [0, 1 d]. */
        public Builder holdFor(RuleId id, Duration holdFor) {
            RuleSettings s = rules.get(id);
            rules.put(id, new RuleSettings(s.enabled(), s.route(), s.severity(), holdFor));
            return this;
        }

        public Builder workerDown(Duration heartbeatTimeout, int maxRestarts, Duration restartWindow) {
            this.heartbeatTimeout = heartbeatTimeout;
            this.maxRestarts = maxRestarts;
            this.restartWindow = restartWindow;
            return this;
        }

        public Builder flowImbalance(Duration window, double tolerance, long minImbalance) {
            this.flowWindow = window;
            this.flowTolerance = tolerance;
            this.flowMinImbalance = minImbalance;
            return this;
        }

        public Builder deliveryBacklog(Duration maxAge) {
            this.backlogMaxAge = maxAge;
            return this;
        }

        public Builder fileDescriptors(double utilisation, Duration horizon, Duration slopeWindow) {
            this.fdUtilisation = utilisation;
            this.fdHorizon = horizon;
            this.fdSlopeWindow = slopeWindow;
            return this;
        }

        /** A lower limit than the process's own to measure fd use against; 0 (the default) uses the process limit. */
        public Builder fileDescriptorBudget(long budget) {
            this.fdBudget = budget;
            return this;
        }

        /** How many of its periods a periodic task may go without finishing a run, in [2, 1000]. */
        public Builder watchdogStalled(int periods) {
            this.stalledPeriods = periods;
            return this;
        }

        /** Free space below which {@code disk-free} fires: bytes (>= 0) and a fraction of the file system, in (0, 1). */
        public Builder diskFree(long minBytes, double minFraction) {
            this.diskFreeMinBytes = minBytes;
            this.diskFreeMinFraction = minFraction;
            return this;
        }

        public Builder devicesDrop(double fraction, Duration window, long minDevices) {
            this.devicesDropFraction = fraction;
            this.devicesDropWindow = window;
            this.devicesDropMinDevices = minDevices;
            return this;
        }

        public Builder eventTrafficLow(double fraction, Duration window, Duration halfLife, Duration warmup,
                                       double minRate) {
            this.trafficFraction = fraction;
            this.trafficWindow = window;
            this.trafficHalfLife = halfLife;
            this.trafficWarmup = warmup;
            this.trafficMinRate = minRate;
            return this;
        }

        public Builder admissionDeferring(double fraction, Duration window, long minHandshakes) {
            this.admissionFraction = fraction;
            this.admissionWindow = window;
            this.admissionMinHandshakes = minHandshakes;
            return this;
        }

        public Builder apiErrors(double fraction, Duration window, long minErrors) {
            this.apiErrorFraction = fraction;
            this.apiErrorWindow = window;
            this.apiMinErrors = minErrors;
            return this;
        }

        public Builder notifierFailing(int consecutiveFailures) {
            this.notifierConsecutiveFailures = consecutiveFailures;
            return this;
        }

        /**
         * Checks ranges (not routes: that is {@link AlertConfig#validate(boolean)}, which the cloud calls).
         *
         * @throws IllegalArgumentException naming the bad setting and its allowed range
         */
        public AlertConfig build() {
            range("evaluation-interval", evaluationInterval, Duration.ofMillis(100), Duration.ofMinutes(5));
            for (Map.Entry<RuleId, RuleSettings> e : rules.entrySet()) {
                RuleSettings s = e.getValue();
                if (s.route() == null || s.severity() == null) {
                    throw new IllegalArgumentException(e.getKey().key() + ": route and severity must not be null");
                }
                range(e.getKey().key() + ".for", s.holdFor(), Duration.ZERO, Duration.ofDays(1));
            }
            range("worker-down.heartbeat-timeout", heartbeatTimeout, Duration.ofMillis(100), Duration.ofHours(1));
            positive("worker-down.max-restarts", maxRestarts);
            range("worker-down.restart-window", restartWindow, Duration.ofMillis(100), Duration.ofDays(1));
            range("flow-imbalance.window", flowWindow, Duration.ofMillis(100), Duration.ofDays(1));
            unit("flow-imbalance.tolerance", flowTolerance);
            positive("flow-imbalance.min-imbalance", flowMinImbalance);
            range("delivery-backlog.max-age", backlogMaxAge, Duration.ofMillis(100), Duration.ofDays(7));
            unit("file-descriptors.utilisation", fdUtilisation);
            range("file-descriptors.horizon", fdHorizon, Duration.ofSeconds(1), Duration.ofDays(7));
            range("file-descriptors.slope-window", fdSlopeWindow, Duration.ofMillis(100), Duration.ofDays(1));
            if (fdBudget < 0) {
                throw new IllegalArgumentException("file-descriptors.budget must be >= 0 (0 = the process limit), was "
                        + fdBudget);
            }
            if (stalledPeriods < 2 || stalledPeriods > 1000) {
                throw new IllegalArgumentException("watchdog-stalled.periods must be in [2, 1000], was "
                        + stalledPeriods);
            }
            if (diskFreeMinBytes < 0) {
                throw new IllegalArgumentException("disk-free.min-bytes must be >= 0, was " + diskFreeMinBytes);
            }
            unit("disk-free.min-fraction", diskFreeMinFraction);
            unit("devices-drop.fraction", devicesDropFraction);
            range("devices-drop.window", devicesDropWindow, Duration.ofMillis(100), Duration.ofDays(1));
            positive("devices-drop.min-devices", devicesDropMinDevices);
            unit("event-traffic-low.fraction", trafficFraction);
            range("event-traffic-low.window", trafficWindow, Duration.ofMillis(100), Duration.ofDays(1));
            range("event-traffic-low.half-life", trafficHalfLife, Duration.ofMillis(100), Duration.ofDays(30));
            range("event-traffic-low.warmup", trafficWarmup, Duration.ZERO, Duration.ofDays(30));
            if (!(trafficMinRate >= 0)) {
                throw new IllegalArgumentException("event-traffic-low.min-rate must be >= 0, was " + trafficMinRate);
            }
            unit("admission-deferring.fraction", admissionFraction);
            range("admission-deferring.window", admissionWindow, Duration.ofMillis(100), Duration.ofDays(1));
            positive("admission-deferring.min-handshakes", admissionMinHandshakes);
            positive("notifier-failing.consecutive-failures", notifierConsecutiveFailures);
            unit("api-errors.fraction", apiErrorFraction);
            range("api-errors.window", apiErrorWindow, Duration.ofMillis(100), Duration.ofDays(1));
            positive("api-errors.min-errors", apiMinErrors);
            return new AlertConfig(this);
        }

        private static void range(String name, Duration value, Duration min, Duration max) {
            if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + value);
            }
        }

        private static void unit(String name, double value) {
            if (!(value > 0 && value < 1)) {
                throw new IllegalArgumentException(name + " must be in (0, 1), was " + value);
            }
        }

        private static void positive(String name, long value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, was " + value);
            }
        }
    }
}
