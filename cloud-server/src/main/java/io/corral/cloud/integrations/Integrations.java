package io.corral.cloud.integrations;

import io.corral.cloud.integrations.delivery.CircuitBreakers;
import io.corral.cloud.integrations.delivery.Counters;
import io.corral.cloud.integrations.delivery.DestinationLanes;
import io.corral.cloud.integrations.delivery.Dispatcher;
import io.corral.cloud.integrations.delivery.HookEvents;
import io.corral.cloud.integrations.delivery.Senders;
import io.corral.cloud.integrations.delivery.Wakeup;
import io.corral.cloud.integrations.delivery.WorkerHealth;
import io.corral.cloud.integrations.delivery.WorkerSupervisor;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.IntegrationSpec;
import io.corral.cloud.integrations.queue.DeliveryQueue;
import io.corral.cloud.integrations.queue.QueueCounts;
import io.corral.cloud.integrations.store.IntegrationIndex;
import io.corral.cloud.integrations.store.IntegrationStore;
import io.corral.cloud.ops.OpsSignals;
import io.corral.cloud.events.Event;
import io.corral.cloud.ops.FdWatchdog;
import io.corral.cloud.ops.Periodic;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The integration machinery of one process: the hand-off of accepted events to the durable queue, and the
 * supervised workers that deliver them through the webhook and MQTT senders. The cloud runs one (see
 * {@code Cloud.integrations()}); {@code corral-cloud worker} runs one with no hand-off, next to a cloud.
 *
 * <pre>{@code
 * try (SqliteIntegrationDatabase db = SqliteIntegrationDatabase.open(dataDir);
 *      Integrations integrations = Integrations.builder().queue(db.queue()).store(db.integrations())
 *              .hookPublisher(bus::publish).build()) {
 *     integrations.store().create("alice", spec);
 *     integrations.handOff(event).join();   // durable: now the device may hear its ACK
 * }
 * }</pre>
 *
 * <p>The queue and store passed in stay the caller's: {@link #close()} stops the workers, waits briefly for
 * sends in flight, releases its workers' leases and closes the senders, but never closes the queue or the store.
 * Thread-safe.
 */
public final class Integrations implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Integrations.class);
    private static final Duration DRAIN_ON_CLOSE = Duration.ofSeconds(5);

    private final DeliveryQueue queue;
    private final IntegrationStore store;
    private final IntegrationSettings settings;
    private final IntegrationIndex index;
    private final Counters counters = new Counters();
    private final FdWatchdog watchdog;
    private final boolean ownsWatchdog;
    private final Semaphore inFlight;
    private final Senders senders;
    private final CircuitBreakers breakers;
    private final WorkerSupervisor supervisor;
    private final ScheduledExecutorService refresher;
    private final IntegrationStore notifyingStore;

    private Integrations(Builder b) {
        this.queue = b.queue;
        this.store = b.store;
        this.settings = b.settings;
        this.index = new IntegrationIndex(store);
        this.ownsWatchdog = b.watchdog == null;
        this.watchdog = ownsWatchdog ? FdWatchdog.start(settings.fdHighWater(), settings.fdLowWater(),
                settings.fdInterval()) : b.watchdog;
        this.inFlight = new Semaphore(settings.maxInFlight());
        this.senders = new Senders(settings, watchdog::shedding);
        this.breakers = new CircuitBreakers(settings.breakerThreshold(), settings.breakerOpen(),
                settings.breakerMaxOpen());
        Wakeup wakeup = new Wakeup();
        queue.onEnqueued(wakeup::signal);
        Dispatcher dispatcher = new Dispatcher(queue, index, senders, breakers, new HookEvents(b.hookPublisher),
                settings.retry(), counters, inFlight, new DestinationLanes(settings.maxConnectionsPerDestination(),
                settings.maxQueuedPerDestination()), b.listener, Duration.ofSeconds(1), b.clock);
        this.supervisor = new WorkerSupervisor(settings.workers(), dispatcher, wakeup, settings, settings.hooks(),
                counters, watchdog::shedding, b.listener);
        this.refresher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("corral-integrations-refresh").daemon().factory());
        Periodic.withFixedDelay(refresher, "integrations-refresh", settings.indexRefresh(), index::refresh);
        this.notifyingStore = new RefreshingStore();
    }

    /** A builder; queue, store and hook publisher are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Durably queues one delivery of {@code event} per matching integration. Completes at once when none
     * matches; otherwise when the deliveries are committed. Fails with {@link IntegrationException}
     * ({@code OVERLOADED} or {@code STORAGE}); then nothing was queued and the publisher must be told to retry.
     */
    public CompletableFuture<Void> handOff(Event event) {
        List<String> ids = index.matching(event);
        if (ids.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return queue.enqueue(event, ids).whenComplete((done, failure) -> {
            if (failure == null) {
                counters.eventsQueued.increment();
                counters.deliveriesQueued.add(ids.size());
            } else {
                counters.queueRefusals.increment();
            }
        });
    }

    /** The integrations; changes made through this store take effect for new events at once. */
    public IntegrationStore store() {
        return notifyingStore;
    }

    public DeliveryQueue queue() {
        return queue;
    }

    public IntegrationSettings settings() {
        return settings;
    }

    public FdWatchdog fdWatchdog() {
        return watchdog;
    }

    /**
     * What the alert rules read from this pipeline: worker heartbeats and restarts, and the conservation counters
     * (deliveries queued, delivered, dead-lettered or dropped, still in the queue) with the oldest pending age.
     * The counters are this process's; with separate worker processes, run the rules in each of them.
     */
    public OpsSignals opsSignals() {
        return new OpsSignals() {
            @Override
            public Optional<List<Worker>> workers() {
                return Optional.of(supervisor.health().stream()
                        .map(h -> new Worker(h.name(), h.lastHeartbeatMillis(), h.restarts())).toList());
            }

            @Override
            public Optional<Flow> flow() {
                // The counters are read on both sides of the queue's count, which takes a database read: what
                // they saw happen in between is the sample's slack, so a busy queue does not look unbalanced.
                IntegrationStats before = stats();
                QueueCounts counts = queue.counts(null);
                Duration oldest = queue.oldestPending()
                        .map(at -> Duration.ofMillis(Math.max(0, System.currentTimeMillis() - at.toEpochMilli())))
                        .orElse(Duration.ZERO);
                IntegrationStats s = stats();
                long slack = (s.deliveriesQueued() - before.deliveriesQueued()) + (s.delivered() - before.delivered())
                        + (s.deadLettered() + s.dropped() - before.deadLettered() - before.dropped());
                // A send whose result came after its lease lapsed counts as delivered but leaves its row queued (it
                // goes out again): only results the queue applied take work out of it.
                return Optional.of(new Flow(s.deliveriesQueued(), s.delivered() - s.lostLeases(),
                        s.deadLettered() + s.dropped(),
                        counts.pending() + counts.leased() + counts.paused(), oldest, slack));
            }
        };
    }

    private static WorkerHealth health(WorkerSupervisor supervisor, String name) {
        return supervisor.health().stream().filter(h -> h.name().equals(name)).findFirst()
                .orElse(new WorkerHealth(name, System.currentTimeMillis(), 0));
    }

    /** This process's worker slots: last heartbeat and restarts, for the {@code worker-down} alert rule. */
    public List<WorkerHealth> workerHealth() {
        return supervisor.health();
    }

    public IntegrationStats stats() {
        return new IntegrationStats(counters.eventsQueued.sum(), counters.deliveriesQueued.sum(),
                counters.queueRefusals.sum(), counters.leased.sum(), counters.delivered.sum(), counters.retried.sum(),
                counters.deadLettered.sum(), counters.dropped.sum(), counters.postponed.sum(),
                counters.lostLeases.sum(), settings.maxInFlight() - inFlight.availablePermits(),
                counters.workerFailures.sum(), breakers.openCount(), watchdog.shedding());
    }

    /**
     * Registers the delivery counters as meters ({@code corral.integrations.*}), so the conservation check
     * (queued = delivered + dead + dropped + still queued) and a failing worker show on the dashboards that
     * scrape {@code /metrics}. The counters read the same adders as {@link #stats()}.
     */
    public void bindTo(MeterRegistry registry) {
        counter(registry, "corral.integrations.events.queued", counters.eventsQueued,
                "events committed to the delivery queue before their ACK");
        counter(registry, "corral.integrations.deliveries.queued", counters.deliveriesQueued,
                "deliveries committed, one per event and matching integration");
        counter(registry, "corral.integrations.queue.refusals", counters.queueRefusals,
                "publishes answered 5.03 because the queue could not take them");
        counter(registry, "corral.integrations.deliveries.leased", counters.leased, "deliveries leased by workers");
        String outcomes = "corral.integrations.deliveries.outcome";
        FunctionCounter.builder(outcomes, counters.delivered, LongAdder::sum).tag("outcome", "delivered")
                .description("tries by outcome").register(registry);
        FunctionCounter.builder(outcomes, counters.retried, LongAdder::sum).tag("outcome", "retry").register(registry);
        FunctionCounter.builder(outcomes, counters.deadLettered, LongAdder::sum).tag("outcome", "dead")
                .register(registry);
        FunctionCounter.builder(outcomes, counters.dropped, LongAdder::sum).tag("outcome", "dropped").register(registry);
        counter(registry, "corral.integrations.deliveries.postponed", counters.postponed,
                "deliveries given back untried: circuit open, destination full, shedding");
        counter(registry, "corral.integrations.leases.lost", counters.lostLeases,
                "results refused because the lease had lapsed (the delivery went out again)");
        counter(registry, "corral.integrations.worker.failures", counters.workerFailures,
                "workers that threw or hung and were replaced");
        Gauge.builder("corral.integrations.in.flight", inFlight, s -> settings.maxInFlight() - s.availablePermits())
                .description("sends in progress").register(registry);
        // What the alert rules read, for Prometheus too (scripts/prometheus/corral-rules.yml).
        Gauge.builder("corral.integrations.queue.depth", queue, q -> {
            QueueCounts counts = q.counts(null);
            return counts.pending() + counts.leased() + counts.paused();
        }).description("deliveries in the queue: pending, leased or paused").register(registry);
        Gauge.builder("corral.integrations.oldest.pending.seconds", queue, q -> q.oldestPending()
                        .map(at -> Math.max(0, System.currentTimeMillis() - at.toEpochMilli()) / 1000.0).orElse(0.0))
                .description("age of the oldest delivery still waiting").register(registry);
        for (WorkerHealth worker : supervisor.health()) {
            String name = worker.name();
            Gauge.builder("corral.integrations.worker.heartbeat.age.seconds", supervisor,
                            s -> (System.currentTimeMillis() - health(s, name).lastHeartbeatMillis()) / 1000.0)
                    .tag("worker", name).description("time since the worker slot last showed life")
                    .register(registry);
            FunctionCounter.builder("corral.integrations.worker.restarts", supervisor,
                            s -> health(s, name).restarts())
                    .tag("worker", name).description("replacements of the slot's worker").register(registry);
        }
        Gauge.builder("corral.integrations.circuits.open", breakers, CircuitBreakers::openCount)
                .description("destinations whose circuit is open").register(registry);
        Gauge.builder("corral.fd.open", watchdog, FdWatchdog::openFds).description("open file descriptors")
                .register(registry);
        Gauge.builder("corral.fd.max", watchdog, FdWatchdog::maxFds).description("file descriptor limit")
                .register(registry);
        Gauge.builder("corral.fd.shedding", watchdog, w -> w.shedding() ? 1 : 0)
                .description("1 while outbound work is shed for lack of file descriptors").register(registry);
    }

    private static void counter(MeterRegistry registry, String name, LongAdder adder, String description) {
        FunctionCounter.builder(name, adder, LongAdder::sum).description(description).register(registry);
    }

    /** Ids of the live workers, {@code host:pid:w<slot>.<generation>}. */
    List<String> workerIds() {
        return supervisor.workerIds();
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        supervisor.close();
        // Let sends in flight finish and record their results, so a clean stop causes no duplicate.
        try {
            if (inFlight.tryAcquire(settings.maxInFlight(), DRAIN_ON_CLOSE.toMillis(), TimeUnit.MILLISECONDS)) {
                inFlight.release(settings.maxInFlight());
            } else {
                log.warn("{} sends still in flight after {} s; their deliveries will go out again",
                        settings.maxInFlight() - inFlight.availablePermits(), DRAIN_ON_CLOSE.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        senders.close();
        try {
            supervisor.releaseAllLeases();
        } catch (RuntimeException e) {
            log.warn("could not release the workers' leases; they run out by themselves: {}", e.getMessage());
        }
        if (ownsWatchdog) {
            watchdog.close();
        }
    }

    /** The store, plus an index reload after every change, so the next event already sees it. */
    private final class RefreshingStore implements IntegrationStore {
        @Override
        public Integration create(String owner, IntegrationSpec spec) {
            Integration created = store.create(owner, spec);
            index.refresh();
            return created;
        }

        @Override
        public Integration update(String id, IntegrationSpec spec) {
            Integration updated = store.update(id, spec);
            index.refresh();
            return updated;
        }

        @Override
        public void delete(String id) {
            store.delete(id);
            index.refresh();
        }

        @Override
        public Optional<Integration> find(String id) {
            return store.find(id);
        }

        @Override
        public List<Integration> list(String owner) {
            return store.list(owner);
        }

        @Override
        public List<Integration> listAll() {
            return store.listAll();
        }

        @Override
        public Integration setPaused(String id, boolean paused) {
            Integration changed = store.setPaused(id, paused);
            index.refresh();
            return changed;
        }

        @Override
        public long changeCount() {
            return store.changeCount();
        }
    }

    /** Builds {@link Integrations}; {@link #build()} starts the workers. */
    public static final class Builder {
        private DeliveryQueue queue;
        private IntegrationStore store;
        private IntegrationSettings settings = IntegrationSettings.DEFAULTS;
        private Consumer<Event> hookPublisher;
        private FdWatchdog watchdog;
        private IntegrationListener listener = IntegrationListener.NONE;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Required: the durable queue; stays the caller's. */
        public Builder queue(DeliveryQueue queue) {
            this.queue = queue;
            return this;
        }

        /** Required: the integrations; stays the caller's. */
        public Builder store(IntegrationStore store) {
            this.store = store;
            return this;
        }

        /** Default {@link IntegrationSettings#DEFAULTS}. */
        public Builder settings(IntegrationSettings settings) {
            this.settings = settings;
            return this;
        }

        /**
         * Required: where hook-sent, hook-response and hook-error events go: the bus in the cloud, the queue's
         * outbox in a separate worker process. Must not block.
         */
        public Builder hookPublisher(Consumer<Event> hookPublisher) {
            this.hookPublisher = hookPublisher;
            return this;
        }

        /** A watchdog to share (it stays the caller's); default: one of this object's own, from the settings. */
        public Builder fdWatchdog(FdWatchdog watchdog) {
            this.watchdog = watchdog;
            return this;
        }

        /** Hears worker replacements and dead letters; default {@link IntegrationListener#NONE}. */
        public Builder listener(IntegrationListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Starts the workers.
         *
         * @throws IllegalArgumentException naming a missing part
         */
        public Integrations build() {
            if (queue == null) {
                throw new IllegalArgumentException("queue must be set: the durable delivery queue");
            }
            if (store == null) {
                throw new IllegalArgumentException("store must be set: where integrations are kept");
            }
            if (settings == null) {
                throw new IllegalArgumentException("settings must not be null; use IntegrationSettings.DEFAULTS");
            }
            if (hookPublisher == null) {
                throw new IllegalArgumentException("hookPublisher must be set: where hook-sent/-response/-error go");
            }
            return new Integrations(this);
        }
    }
}
