package io.corral.cloud.integrations;

import io.corral.cloud.config.Setting;
import io.corral.cloud.config.SettingType;
import io.corral.cloud.integrations.delivery.RetryPolicy;
import java.time.Duration;
import java.util.List;

/**
 * The definitions of {@link IntegrationSettings}: key, default, range and doc of each, which its builder checks
 * and {@code corral-cloud run} reads from flags, its settings file and the environment.
 */
public final class IntegrationKeys {
    private static final SettingType<Integer> INT = SettingType.INTEGER;
    private static final SettingType<Duration> TIME = SettingType.DURATION;

    public static final Setting<Integer> WORKERS = Setting.of("integrations.workers", INT, 2,
                    "Integration workers in this process; 0 leaves delivery to separate 'corral-cloud worker' "
                            + "processes.")
            .range(0, 64).name("workers").flag("N", "--workers");

    public static final Setting<Integer> BATCH_SIZE = Setting.of("integrations.batch-size", INT, 64,
            "Deliveries a worker leases at a time.").range(1, 1_000).name("batchSize");

    public static final Setting<Duration> LEASE_TIME = Setting.of("integrations.lease-time", TIME,
                    Duration.ofMinutes(2), "How long a worker holds leased deliveries; keep it above the longest send "
                            + "(webhook timeouts are at most 60 s), or a slow success is refused and sent again.")
            .range(Duration.ofSeconds(5), Duration.ofHours(1)).name("leaseTime");

    public static final Setting<Duration> POLL_INTERVAL = Setting.of("integrations.poll-interval", TIME,
                    Duration.ofMillis(500), "How often an idle worker looks for due retries (new events in this "
                            + "process wake it at once).")
            .range(Duration.ofMillis(10), Duration.ofSeconds(10)).name("pollInterval");

    public static final Setting<Duration> HANG_TIMEOUT = Setting.of("integrations.hang-timeout", TIME,
                    Duration.ofSeconds(60), "A worker silent this long is replaced.")
            .range(Duration.ofSeconds(1), Duration.ofHours(1)).name("hangTimeout");

    public static final Setting<Integer> MAX_IN_FLIGHT = Setting.of("integrations.max-in-flight", INT, 256,
            "Sends in progress in this process, all integrations together.").range(1, 100_000).name("maxInFlight");

    public static final Setting<Integer> MAX_CONNECTIONS_PER_DESTINATION = Setting.of(
                    "integrations.destination.max-connections", INT, 16,
                    "Sends (and HTTP connections) at once per scheme, host and port.")
            .range(1, 1_024).name("maxConnectionsPerDestination");

    public static final Setting<Integer> MAX_QUEUED_PER_DESTINATION = Setting.of(
                    "integrations.destination.max-queued", INT, 192,
                    "Deliveries held in memory for a busy destination beyond its connections, so that one "
                            + "destination never takes every in-flight slot.")
            .range(0, 100_000).name("maxQueuedPerDestination");

    public static final Setting<Integer> HTTP_THREADS = Setting.of("integrations.http-threads", INT, 16,
            "Threads of the webhook HTTP client.").range(4, 512).name("httpThreads");

    public static final Setting<Duration> CONNECT_TIMEOUT = Setting.of("integrations.connect-timeout", TIME,
                    Duration.ofSeconds(5), "How long a webhook connection may take to open.")
            .range(Duration.ofMillis(100), Duration.ofSeconds(60)).name("connectTimeout");

    public static final Setting<Duration> IDLE_TIMEOUT = Setting.of("integrations.idle-timeout", TIME,
                    Duration.ofSeconds(30), "How long an idle webhook connection is kept open.")
            .range(Duration.ofSeconds(1), Duration.ofMinutes(10)).name("idleTimeout");

    public static final Setting<Integer> MAX_RESPONSE_BYTES = Setting.of("integrations.max-response-bytes", INT,
                    16 * 1024, "Bytes of a webhook's response kept for hook-response events.")
            .range(0, 1 << 20).unit("bytes").name("maxResponseBytes");

    public static final Setting<Duration> MQTT_TIMEOUT = Setting.of("integrations.mqtt-timeout", TIME,
                    Duration.ofSeconds(20), "How long an MQTT connect or publish acknowledgement may take.")
            .range(Duration.ofSeconds(1), Duration.ofSeconds(60)).name("mqttTimeout");

    public static final Setting<Duration> RETRY_INITIAL_DELAY = Setting.of("integrations.retry.initial-delay", TIME,
                    RetryPolicy.DEFAULTS.initialDelay(), "Wait after a delivery's first failure, doubling after each "
                            + "one (with jitter).")
            .range(Duration.ofMillis(10), Duration.ofHours(1)).name("retry.initialDelay");

    public static final Setting<Duration> RETRY_MAX_DELAY = Setting.of("integrations.retry.max-delay", TIME,
                    RetryPolicy.DEFAULTS.maxDelay(), "Longest wait between two tries of a delivery; at least "
                            + "integrations.retry.initial-delay.")
            .range(Duration.ofMillis(10), Duration.ofDays(1)).name("retry.maxDelay");

    public static final Setting<Duration> RETRY_FOR = Setting.of("integrations.retry.for", TIME,
                    RetryPolicy.DEFAULTS.retryFor(), "How long after its first failure a delivery is tried again "
                            + "before it becomes a dead letter (which can be replayed).")
            .range(Duration.ZERO, Duration.ofDays(30)).name("retry.retryFor");

    public static final Setting<Integer> BREAKER_THRESHOLD = Setting.of("integrations.breaker.threshold", INT, 5,
            "Failures in a row that open a destination's circuit.").range(1, 1_000).name("breakerThreshold");

    public static final Setting<Duration> BREAKER_OPEN = Setting.of("integrations.breaker.open", TIME,
                    Duration.ofSeconds(1), "How long an opened circuit first stays open, doubling each time it "
                            + "opens again.")
            .range(Duration.ofMillis(10), Duration.ofMinutes(10)).name("breakerOpen");

    public static final Setting<Duration> BREAKER_MAX_OPEN = Setting.of("integrations.breaker.max-open", TIME,
                    Duration.ofSeconds(60), "Longest time a circuit stays open; at least integrations.breaker.open.")
            .range(Duration.ofMillis(10), Duration.ofHours(1)).name("breakerMaxOpen");

    public static final Setting<Double> FD_HIGH_WATER = Setting.of("integrations.fd.high-water", SettingType.DECIMAL,
                    0.80, "Share of the file-descriptor limit at which deliveries are shed.")
            .range(0.01, 1.0).unit("of the file-descriptor limit").name("fdHighWater");

    public static final Setting<Double> FD_LOW_WATER = Setting.of("integrations.fd.low-water", SettingType.DECIMAL,
                    0.70, "Share of the file-descriptor limit at which shedding stops; below "
                            + "integrations.fd.high-water.")
            .range(0.01, 0.99).unit("of the file-descriptor limit").name("fdLowWater");

    public static final Setting<Duration> FD_INTERVAL = Setting.of("integrations.fd.interval", TIME,
                    Duration.ofSeconds(1), "How often the file descriptors in use are counted.")
            .range(Duration.ofMillis(10), Duration.ofMinutes(1)).name("fdInterval");

    public static final Setting<Duration> INDEX_REFRESH = Setting.of("integrations.index-refresh", TIME,
                    Duration.ofSeconds(1), "How soon integrations changed by another process are seen.")
            .range(Duration.ofMillis(10), Duration.ofMinutes(1)).name("indexRefresh");

    /** Every integration setting, in documentation order. */
    public static final List<Setting<?>> ALL = List.of(WORKERS, BATCH_SIZE, LEASE_TIME, POLL_INTERVAL, HANG_TIMEOUT,
            MAX_IN_FLIGHT, MAX_CONNECTIONS_PER_DESTINATION, MAX_QUEUED_PER_DESTINATION, HTTP_THREADS, CONNECT_TIMEOUT,
            IDLE_TIMEOUT, MAX_RESPONSE_BYTES, MQTT_TIMEOUT, RETRY_INITIAL_DELAY, RETRY_MAX_DELAY, RETRY_FOR,
            BREAKER_THRESHOLD, BREAKER_OPEN, BREAKER_MAX_OPEN, FD_HIGH_WATER, FD_LOW_WATER, FD_INTERVAL,
            INDEX_REFRESH);

    private IntegrationKeys() {
    }
}
