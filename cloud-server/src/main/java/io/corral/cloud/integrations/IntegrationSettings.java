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
     * A builder with the defaults of {@link IntegrationKeys}, where the default, range and doc of each setting are
     * defined once ({@code corral-cloud config show} prints them). Two ranges follow other settings:
     * {@code breakerMaxOpen} is at least {@code breakerOpen}, {@code fdLowWater} below {@code fdHighWater}; the
     * {@code retry} policy's parts are checked against the {@code integrations.retry.*} definitions, and
     * {@code queue} is {@link SqliteIntegrationDatabase.Options#DEFAULTS}.
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
        private int workers = IntegrationKeys.WORKERS.defaultValue();
        private int batchSize = IntegrationKeys.BATCH_SIZE.defaultValue();
        private Duration leaseTime = IntegrationKeys.LEASE_TIME.defaultValue();
        private Duration pollInterval = IntegrationKeys.POLL_INTERVAL.defaultValue();
        private Duration hangTimeout = IntegrationKeys.HANG_TIMEOUT.defaultValue();
        private int maxInFlight = IntegrationKeys.MAX_IN_FLIGHT.defaultValue();
        private int maxConnectionsPerDestination = IntegrationKeys.MAX_CONNECTIONS_PER_DESTINATION.defaultValue();
        private int maxQueuedPerDestination = IntegrationKeys.MAX_QUEUED_PER_DESTINATION.defaultValue();
        private int httpThreads = IntegrationKeys.HTTP_THREADS.defaultValue();
        private Duration connectTimeout = IntegrationKeys.CONNECT_TIMEOUT.defaultValue();
        private Duration idleTimeout = IntegrationKeys.IDLE_TIMEOUT.defaultValue();
        private int maxResponseBytes = IntegrationKeys.MAX_RESPONSE_BYTES.defaultValue();
        private Duration mqttTimeout = IntegrationKeys.MQTT_TIMEOUT.defaultValue();
        private RetryPolicy retry = RetryPolicy.DEFAULTS;
        private int breakerThreshold = IntegrationKeys.BREAKER_THRESHOLD.defaultValue();
        private Duration breakerOpen = IntegrationKeys.BREAKER_OPEN.defaultValue();
        private Duration breakerMaxOpen = IntegrationKeys.BREAKER_MAX_OPEN.defaultValue();
        private double fdHighWater = IntegrationKeys.FD_HIGH_WATER.defaultValue();
        private double fdLowWater = IntegrationKeys.FD_LOW_WATER.defaultValue();
        private Duration fdInterval = IntegrationKeys.FD_INTERVAL.defaultValue();
        private Duration indexRefresh = IntegrationKeys.INDEX_REFRESH.defaultValue();
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

        /**
         * Checks every setting against its definition in {@link IntegrationKeys} and builds.
         *
         * @throws io.corral.cloud.config.SettingException naming the first bad setting and its range
         */
        public IntegrationSettings build() {
            IntegrationKeys.WORKERS.check(workers);
            IntegrationKeys.BATCH_SIZE.check(batchSize);
            IntegrationKeys.LEASE_TIME.check(leaseTime);
            IntegrationKeys.POLL_INTERVAL.check(pollInterval);
            IntegrationKeys.HANG_TIMEOUT.check(hangTimeout);
            IntegrationKeys.MAX_IN_FLIGHT.check(maxInFlight);
            IntegrationKeys.MAX_CONNECTIONS_PER_DESTINATION.check(maxConnectionsPerDestination);
            IntegrationKeys.MAX_QUEUED_PER_DESTINATION.check(maxQueuedPerDestination);
            IntegrationKeys.HTTP_THREADS.check(httpThreads);
            IntegrationKeys.CONNECT_TIMEOUT.check(connectTimeout);
            IntegrationKeys.IDLE_TIMEOUT.check(idleTimeout);
            IntegrationKeys.MAX_RESPONSE_BYTES.check(maxResponseBytes);
            IntegrationKeys.MQTT_TIMEOUT.check(mqttTimeout);
            Objects.requireNonNull(retry, "retry");
            IntegrationKeys.RETRY_INITIAL_DELAY.check(retry.initialDelay());
            IntegrationKeys.RETRY_MAX_DELAY.check(retry.maxDelay());
            IntegrationKeys.RETRY_FOR.check(retry.retryFor());
            IntegrationKeys.BREAKER_THRESHOLD.check(breakerThreshold);
            IntegrationKeys.BREAKER_OPEN.check(breakerOpen);
            IntegrationKeys.BREAKER_MAX_OPEN.check(breakerMaxOpen, breakerOpen, IntegrationKeys.BREAKER_MAX_OPEN.max());
            IntegrationKeys.FD_HIGH_WATER.check(fdHighWater);
            IntegrationKeys.FD_LOW_WATER.check(fdLowWater, IntegrationKeys.FD_LOW_WATER.min(), fdHighWater - 0.01);
            IntegrationKeys.FD_INTERVAL.check(fdInterval);
            IntegrationKeys.INDEX_REFRESH.check(indexRefresh);
            Objects.requireNonNull(queue, "queue");
            return new IntegrationSettings(this);
        }
    }
}
