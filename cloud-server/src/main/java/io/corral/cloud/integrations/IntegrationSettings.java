package io.corral.cloud.integrations;

import io.corral.cloud.integrations.delivery.RetryPolicy;
import io.corral.cloud.integrations.delivery.WorkerHooks;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import java.time.Duration;
import java.util.Objects;

/**
 * How the integration machinery of one process runs: workers, leases, outbound limits, retries, circuit breaking
 * and the fd watchdog. Immutable; build with {@link #builder()}, whose javadoc lists every default.
 */
public final class IntegrationSettings {
    public static final IntegrationSettings DEFAULTS = builder().build();

    private final int workers;
    private final int batchSize;
    private final Duration leaseTime;
    private final Duration pollInterval;
    private final Duration hangTimeout;
    private final int maxInFlight;
    private final int maxConnectionsPerDestination;
    private final int maxQueuedPerDestination;
    private final int httpThreads;
    private final Duration connectTimeout;
    private final Duration idleTimeout;
    private final int maxResponseBytes;
    private final Duration mqttTimeout;
    private final RetryPolicy retry;
    private final int breakerThreshold;
    private final Duration breakerOpen;
    private final Duration breakerMaxOpen;
    private final double fdHighWater;
    private final double fdLowWater;
    private final Duration fdInterval;
    private final Duration indexRefresh;
    private final SqliteIntegrationDatabase.Options queue;
    private final WorkerHooks hooks;

    private IntegrationSettings(Builder b) {
        workers = b.workers;
        batchSize = b.batchSize;
        leaseTime = b.leaseTime;
        pollInterval = b.pollInterval;
        hangTimeout = b.hangTimeout;
        maxInFlight = b.maxInFlight;
        maxConnectionsPerDestination = b.maxConnectionsPerDestination;
        maxQueuedPerDestination = b.maxQueuedPerDestination;
        httpThreads = b.httpThreads;
        connectTimeout = b.connectTimeout;
        idleTimeout = b.idleTimeout;
        maxResponseBytes = b.maxResponseBytes;
        mqttTimeout = b.mqttTimeout;
        retry = b.retry;
        breakerThreshold = b.breakerThreshold;
        breakerOpen = b.breakerOpen;
        breakerMaxOpen = b.breakerMaxOpen;
        fdHighWater = b.fdHighWater;
        fdLowWater = b.fdLowWater;
        fdInterval = b.fdInterval;
        indexRefresh = b.indexRefresh;
        queue = b.queue;
        hooks = b.hooks;
    }

    /**
     * A builder with these defaults (ranges in brackets):
     * <ul>
     *   <li>{@code workers} 2 [0, 64]: integration workers under the supervisor; 0 leaves delivery to separate
     *       {@code corral-cloud worker} processes</li>
     *   <li>{@code batchSize} 64 [1, 1,000]: deliveries a worker leases at a time</li>
     *   <li>{@code leaseTime} 2 min [5 s, 1 h]: keep it above the longest send (webhook timeouts are at most 60 s),
     *       or a slow success is refused and sent again</li>
     *   <li>{@code pollInterval} 500 ms [10 ms, 10 s]: how often an idle worker looks for due retries (new
     *       events in this process wake it at once)</li>
     *   <li>{@code hangTimeout} 60 s [1 s, 1 h]: a worker silent this long is replaced</li>
     *   <li>{@code maxInFlight} 256 [1, 100,000]: sends in progress in this process, all integrations together</li>
     *   <li>{@code maxConnectionsPerDestination} 16 [1, 1,024]: sends (and HTTP connections) at once per
     *       scheme/host/port; {@code maxQueuedPerDestination} 192 [0, 100,000]: deliveries held in memory for a
     *       busy destination beyond those, so one destination takes at most 208 of the 256 in-flight slots and
     *       the others always keep 48</li>
     *   <li>{@code httpThreads} 16 [4, 512]; {@code connectTimeout} 5 s [100 ms, 60 s]; {@code idleTimeout}
     *       30 s [1 s, 10 min]</li>
     *   <li>{@code maxResponseBytes} 16,384 [0, 1,048,576]: of a webhook's response, for hook-response events</li>
     *   <li>{@code mqttTimeout} 20 s [1 s, 60 s]: connect or publish acknowledgement</li>
     *   <li>{@code retry} {@link RetryPolicy#DEFAULTS}: 5 s doubling to 1 h, for 24 h</li>
     *   <li>{@code breakerThreshold} 5 [1, 1,000] failures in a row open a destination's circuit for
     *       {@code breakerOpen} 1 s [10 ms, 10 min], doubling up to {@code breakerMaxOpen} 60 s [10 ms, 1 h]</li>
     *   <li>{@code fdHighWater} 0.80 and {@code fdLowWater} 0.70 of the fd limit, checked every
     *       {@code fdInterval} 1 s [10 ms, 1 min]</li>
     *   <li>{@code indexRefresh} 1 s [10 ms, 1 min]: how soon integrations changed by another process are seen</li>
     *   <li>{@code queue} {@link SqliteIntegrationDatabase.Options#DEFAULTS}</li>
     * </ul>
     */
    public static Builder builder() {
        return new Builder();
    }

    public int workers() {
        return workers;
    }

    public int batchSize() {
        return batchSize;
    }

    public Duration leaseTime() {
        return leaseTime;
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    public Duration hangTimeout() {
        return hangTimeout;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    public int maxConnectionsPerDestination() {
        return maxConnectionsPerDestination;
    }

    public int maxQueuedPerDestination() {
        return maxQueuedPerDestination;
    }

    public int httpThreads() {
        return httpThreads;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public int maxResponseBytes() {
        return maxResponseBytes;
    }

    public Duration mqttTimeout() {
        return mqttTimeout;
    }

    public RetryPolicy retry() {
        return retry;
    }

    public int breakerThreshold() {
        return breakerThreshold;
    }

    public Duration breakerOpen() {
        return breakerOpen;
    }

    public Duration breakerMaxOpen() {
        return breakerMaxOpen;
    }

    public double fdHighWater() {
        return fdHighWater;
    }

    public double fdLowWater() {
        return fdLowWater;
    }

    public Duration fdInterval() {
        return fdInterval;
    }

    public Duration indexRefresh() {
        return indexRefresh;
    }

    public SqliteIntegrationDatabase.Options queue() {
        return queue;
    }

    /** Fault-injection points for tests; {@link WorkerHooks#NONE} unless a test of this package set them. */
    WorkerHooks hooks() {
        return hooks;
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.workers = workers;
        b.batchSize = batchSize;
        b.leaseTime = leaseTime;
        b.pollInterval = pollInterval;
        b.hangTimeout = hangTimeout;
        b.maxInFlight = maxInFlight;
        b.maxConnectionsPerDestination = maxConnectionsPerDestination;
        b.maxQueuedPerDestination = maxQueuedPerDestination;
        b.httpThreads = httpThreads;
        b.connectTimeout = connectTimeout;
        b.idleTimeout = idleTimeout;
        b.maxResponseBytes = maxResponseBytes;
        b.mqttTimeout = mqttTimeout;
        b.retry = retry;
        b.breakerThreshold = breakerThreshold;
        b.breakerOpen = breakerOpen;
        b.breakerMaxOpen = breakerMaxOpen;
        b.fdHighWater = fdHighWater;
        b.fdLowWater = fdLowWater;
        b.fdInterval = fdInterval;
        b.indexRefresh = indexRefresh;
        b.queue = queue;
        b.hooks = hooks;
        return b;
    }

    /** Builds {@link IntegrationSettings}; {@link IntegrationSettings#builder()} lists the defaults. */
    public static final class Builder {
        private int workers = 2;
        private int batchSize = 64;
        private Duration leaseTime = Duration.ofMinutes(2);
        private Duration pollInterval = Duration.ofMillis(500);
        private Duration hangTimeout = Duration.ofSeconds(60);
        private int maxInFlight = 256;
        private int maxConnectionsPerDestination = 16;
        private int maxQueuedPerDestination = 192;
        private int httpThreads = 16;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private int maxResponseBytes = 16 * 1024;
        private Duration mqttTimeout = Duration.ofSeconds(20);
        private RetryPolicy retry = RetryPolicy.DEFAULTS;
        private int breakerThreshold = 5;
        private Duration breakerOpen = Duration.ofSeconds(1);
        private Duration breakerMaxOpen = Duration.ofSeconds(60);
        private double fdHighWater = 0.80;
        private double fdLowWater = 0.70;
        private Duration fdInterval = Duration.ofSeconds(1);
        private Duration indexRefresh = Duration.ofSeconds(1);
        private SqliteIntegrationDatabase.Options queue = SqliteIntegrationDatabase.Options.DEFAULTS;
        private WorkerHooks hooks = WorkerHooks.NONE;

        private Builder() {
        }

        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder leaseTime(Duration leaseTime) {
            this.leaseTime = leaseTime;
            return this;
        }

        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        public Builder hangTimeout(Duration hangTimeout) {
            this.hangTimeout = hangTimeout;
            return this;
        }

        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
            return this;
        }

        public Builder maxConnectionsPerDestination(int maxConnectionsPerDestination) {
            this.maxConnectionsPerDestination = maxConnectionsPerDestination;
            return this;
        }

        public Builder maxQueuedPerDestination(int maxQueuedPerDestination) {
            this.maxQueuedPerDestination = maxQueuedPerDestination;
            return this;
        }

        public Builder httpThreads(int httpThreads) {
            this.httpThreads = httpThreads;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        public Builder maxResponseBytes(int maxResponseBytes) {
            this.maxResponseBytes = maxResponseBytes;
            return this;
        }

        public Builder mqttTimeout(Duration mqttTimeout) {
            this.mqttTimeout = mqttTimeout;
            return this;
        }

        public Builder retry(RetryPolicy retry) {
            this.retry = retry;
            return this;
        }

        /** Failures in a row that open a destination's circuit, how long it first stays open, and the cap. */
        public Builder circuitBreaker(int threshold, Duration open, Duration maxOpen) {
            this.breakerThreshold = threshold;
            this.breakerOpen = open;
            this.breakerMaxOpen = maxOpen;
            return this;
        }

        /** Fractions of the fd limit where shedding starts and stops, and how often to look. */
        public Builder fdWatchdog(double highWater, double lowWater, Duration interval) {
            this.fdHighWater = highWater;
            this.fdLowWater = lowWater;
            this.fdInterval = interval;
            return this;
        }

        public Builder indexRefresh(Duration indexRefresh) {
            this.indexRefresh = indexRefresh;
            return this;
        }

        public Builder queue(SqliteIntegrationDatabase.Options queue) {
            this.queue = queue;
            return this;
        }

        /**
         * Test-only, package-private: makes the workers of whatever runs on these settings (an embedded
         * {@code Cloud} too) fail on purpose. Production never calls it, so the hooks stay {@link WorkerHooks#NONE}.
         */
        Builder hooks(WorkerHooks hooks) {
            this.hooks = Objects.requireNonNull(hooks, "hooks");
            return this;
        }

        /** @throws IllegalArgumentException naming the first bad setting and its range */
        public IntegrationSettings build() {
            Ranges.check("workers", workers, 0, 64);
            Ranges.check("batchSize", batchSize, 1, 1_000);
            Ranges.check("leaseTime", leaseTime, Duration.ofSeconds(5), Duration.ofHours(1));
            Ranges.check("pollInterval", pollInterval, Duration.ofMillis(10), Duration.ofSeconds(10));
            Ranges.check("hangTimeout", hangTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
            Ranges.check("maxInFlight", maxInFlight, 1, 100_000);
            Ranges.check("maxConnectionsPerDestination", maxConnectionsPerDestination, 1, 1_024);
            Ranges.check("maxQueuedPerDestination", maxQueuedPerDestination, 0, 100_000);
            Ranges.check("httpThreads", httpThreads, 4, 512);
            Ranges.check("connectTimeout", connectTimeout, Duration.ofMillis(100), Duration.ofSeconds(60));
            Ranges.check("idleTimeout", idleTimeout, Duration.ofSeconds(1), Duration.ofMinutes(10));
            Ranges.check("maxResponseBytes", maxResponseBytes, 0, 1 << 20);
            Ranges.check("mqttTimeout", mqttTimeout, Duration.ofSeconds(1), Duration.ofSeconds(60));
            Objects.requireNonNull(retry, "retry");
            Ranges.check("breakerThreshold", breakerThreshold, 1, 1_000);
            Ranges.check("breakerOpen", breakerOpen, Duration.ofMillis(10), Duration.ofMinutes(10));
            Ranges.check("breakerMaxOpen", breakerMaxOpen, breakerOpen, Duration.ofHours(1));
            Ranges.check("fdHighWater", fdHighWater, 0.01, 1.0);
            Ranges.check("fdLowWater", fdLowWater, 0.01, fdHighWater - 0.01);
            Ranges.check("fdInterval", fdInterval, Duration.ofMillis(10), Duration.ofMinutes(1));
            Ranges.check("indexRefresh", indexRefresh, Duration.ofMillis(10), Duration.ofMinutes(1));
            Objects.requireNonNull(queue, "queue");
            return new IntegrationSettings(this);
        }
    }
}
