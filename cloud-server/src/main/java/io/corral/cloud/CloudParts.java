package io.corral.cloud;

import io.corral.cloud.coap.DeviceEndpoint;
import io.corral.cloud.coap.LiveSessions;
import io.corral.cloud.events.Event;
import io.corral.cloud.events.EventBus;
import io.corral.cloud.events.EventIngress;
import io.corral.cloud.integrations.queue.DeliveryQueue;
import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.store.IntegrationStore;
import io.corral.cloud.integrations.Integrations;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.ops.CloudMetrics;
import io.corral.cloud.ops.Ops;
import io.corral.cloud.ops.OpsMetrics;
import io.corral.cloud.ops.DataDisk;
import io.corral.cloud.ops.OpsSignals;
import io.corral.cloud.ops.PagerDutyNotifier;
import io.corral.cloud.ops.Periodic;
import io.corral.cloud.ops.ProcessFds;
import io.corral.cloud.ops.SlackNotifier;
import io.corral.cloud.registry.CloudKeys;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.storage.CloseStack;
import io.corral.cloud.storage.Storage;
import io.corral.cloud.storage.sqlite.SqliteStorage;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of a started {@link Cloud}, opened by {@link #open()} in the order they depend on each other:
 * storage, registry and key pair, event ingress, integrations (with the SQLite outbox relay), CoAP/DTLS endpoint,
 * alerting, HTTP API. Each part the cloud opens goes onto its {@link CloseStack} at once, so {@link Cloud#close()}
 * and a failed start both close them in reverse; injected parts stay the caller's and never go there.
 *
 * <p>Nothing here needs a data directory: every store comes from the {@link Storage}, whose directory serves
 * only the saved DTLS connections, and the SQLite outbox relay runs only on a {@link SqliteStorage}.
 */
final class CloudParts {
    private static final Logger LOG = LoggerFactory.getLogger(CloudParts.class);
    /** How often hook events of separate worker processes are moved from the queue's outbox onto the bus. */
    private static final long OUTBOX_POLL_MILLIS = 250;
    private static final int OUTBOX_BATCH = 500;

    private final Cloud cloud;
    private final CloudSpec spec;
    private final EventBus bus;
    private final CloudMetrics metrics;
    private final CloseStack closeStack;
    private volatile Storage storage;
    private volatile DeviceRegistry registry;
    private volatile KeyPair cloudKeys;
    private volatile EventIngress ingress;
    private volatile Integrations integrations;
    private volatile DeviceEndpoint endpoint;
    private volatile Ops ops;

    CloudParts(Cloud cloud, CloudSpec spec, EventBus bus, CloudMetrics metrics, CloseStack closeStack) {
        this.cloud = cloud;
        this.spec = spec;
        this.bus = bus;
        this.metrics = metrics;
        this.closeStack = closeStack;
    }

    /** Opens every part; on a failure, what was opened is on the close stack for the caller to close. */
    void open() throws IOException {
        storage = openStorage();
        registry = spec.registry() != null ? spec.registry() : storage.registry();
        cloudKeys = ensureCloudKeyPair(registry);
        // Before the integrations, whose workers may route hook events at once. Its hand-off waits for nothing:
        // the endpoint and the API, which publish through it, open after the integrations.
        ingress = new EventIngress(spec.limits(), this::handOff, bus);
        integrations = openIntegrations();
        endpoint = openEndpoint();
        bindMetrics();
        if (spec.alerting().on()) {
            ops = openOps();
        }
        if (spec.api() != null) {
            openApi();
        }
    }

    /** The injected storage, or the cloud's own SQLite storage in the data dir, or none. */
    private Storage openStorage() {
        if (spec.storage() != null || spec.dataDir() == null) {
            return spec.storage();
        }
        SqliteStorage own = SqliteStorage.open(spec.dataDir(), spec.integrations().queue());
        return closeStack.push("storage " + own.describe(), own);
    }

    private static KeyPair ensureCloudKeyPair(DeviceRegistry registry) {
        Optional<KeyPair> existing = registry.cloudKeyPair();
        if (existing.isPresent()) {
            return existing.get();
        }
        KeyPair created = CloudKeys.generateP256();
        try {
            registry.storeCloudKeyPair(created);
            LOG.info("created the cloud's P-256 key pair");
            return created;
        } catch (RuntimeException e) {
            // Another process sharing the registry stored one first: use theirs.
            return registry.cloudKeyPair().orElseThrow(() -> e);
        }
    }

    private CompletableFuture<Void> handOff(Event event) {
        Integrations current = integrations;
        return current == null ? CompletableFuture.completedFuture(null) : current.handOff(event);
    }

    private Integrations openIntegrations() throws IOException {
        DeliveryQueue queue = spec.queue();
        IntegrationStore store = spec.store();
        if (queue == null) {
            if (storage == null) {
                return null; // an embedded cloud without storage for a queue: no integrations
            }
            try {
                queue = storage.deliveryQueue();
                store = storage.integrations();
            } catch (IntegrationException e) {
                throw new IOException("cannot open the integrations database: " + e.getMessage(), e);
            }
            if (storage instanceof SqliteStorage sqlite) {
                startOutboxRelay(sqlite.integrationDatabase());
            }
        }
        return closeStack.push("integrations", Integrations.builder().queue(queue).store(store)
                .settings(spec.integrations()).hookPublisher(ingress::route).build());
    }

    /** Hook events of workers in other processes ({@code corral-cloud worker}) reach this bus through the outbox. */
    private void startOutboxRelay(SqliteIntegrationDatabase db) {
        ScheduledExecutorService relay = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("corral-outbox-relay").daemon().factory());
        AutoCloseable stop = relay::shutdownNow;
        closeStack.push("outbox relay", stop);
        Periodic.withFixedDelay(relay, "outbox-relay", Duration.ofMillis(OUTBOX_POLL_MILLIS), () -> relayOutbox(db));
    }

    private void relayOutbox(SqliteIntegrationDatabase db) {
        try {
            List<Event> events;
            do {
                events = db.takeFromOutbox(OUTBOX_BATCH);
                events.forEach(ingress::route);
            } while (events.size() == OUTBOX_BATCH);
        } catch (RuntimeException e) {
            LOG.warn("could not relay events of separate workers to the bus: {}", e.getMessage());
        }
    }

    private DeviceEndpoint openEndpoint() throws IOException {
        Path connections = spec.keepConnections() && storage != null
                ? storage.directory().map(dir -> dir.resolve(Cloud.CONNECTIONS_FILE)).orElse(null) : null;
        DeviceEndpoint created = closeStack.push("CoAP/DTLS endpoint", DeviceEndpoint.create(spec.coapBind(),
                cloudKeys, registry, ingress, spec.keepaliveSeconds(), spec.admission(), spec.dtls(), connections));
        try {
            created.start();
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot start the CoAP/DTLS endpoint on " + spec.coapBind() + ": " + e.getMessage(),
                    e);
        }
        return created;
    }

    private void bindMetrics() {
        endpoint.admission().bindTo(metrics.registry());
        Gauge.builder("corral.devices.connected", endpoint.sessions(), LiveSessions::size)
                .description("devices with a live session (said hello, not gone)").register(metrics.registry());
        FunctionCounter.builder("corral.events.published", ingress, EventIngress::routedCount)
                .description("events published by devices and the API").register(metrics.registry());
        if (spec.api() != null) {
            FunctionCounter.builder("corral.api.responses", spec.api(), a -> a.responseCounts().responses())
                    .description("HTTP API responses").register(metrics.registry());
            FunctionCounter.builder("corral.api.server.errors", spec.api(), a -> a.responseCounts().serverErrors())
                    .description("HTTP API responses with a 5xx status").register(metrics.registry());
        }
        if (integrations != null) {
            integrations.bindTo(metrics.registry());
        }
    }

    /** Alerting reads the cloud's own signals after any injected ones; its incidents live in the storage. */
    private Ops openOps() throws IOException {
        CloudSpec.Alerting alerting = spec.alerting();
        try {
            List<OpsSignals> sources = new ArrayList<>();
            if (alerting.signals() != null) {
                sources.add(alerting.signals());
            }
            if (integrations != null) {
                sources.add(integrations.opsSignals());
            }
            sources.add(new CloudOpsSignals(() -> endpoint, ingress, spec.api()));
            sources.add(new ProcessFds());
            if (spec.dataDir() != null) {
                DataDisk disk = new DataDisk(spec.dataDir());
                sources.add(disk);
                disk.bindTo(metrics.registry());
            }
            String status = alerting.statusUrl() == null ? null : alerting.statusUrl().toString();
            Ops.Builder builder = Ops.builder().config(alerting.config()).signals(OpsSignals.firstOf(sources))
                    .allowNonPagingDataLoss(alerting.allowNonPagingDataLoss()).notifierRetry(
                            alerting.notifierAttempts(), alerting.notifierBackoff(), alerting.notifierMaxBackoff());
            if (storage != null) {
                builder.sharedIncidentStore(storage.incidents()); // without a storage: Ops's own, in memory
            }
            if (alerting.pageUrl() != null) {
                builder.pageNotifier(new PagerDutyNotifier(alerting.pageUrl(), alerting.pageRoutingKey(), status));
            }
            if (alerting.ticketUrl() != null) {
                builder.ticketNotifier(new SlackNotifier(alerting.ticketUrl(), status));
            }
            Ops created = closeStack.push("alerting", builder.build());
            OpsMetrics.bind(created, metrics.registry());
            created.start();
            return created;
        } catch (RuntimeException e) {
            throw new IOException("cannot start alerting: " + e.getMessage(), e);
        }
    }

    /** The API keeps its tokens in the storage. */
    private void openApi() throws IOException {
        try {
            closeStack.push("HTTP API", spec.api()).start(new CloudApiBackend(cloud, storage.tokens(),
                    storage.users()));
        } catch (RuntimeException e) {
            throw new IOException("cannot start the HTTP API: " + e.getMessage(), e);
        }
    }

    /** The injected registry, or the storage's; null until opened. */
    DeviceRegistry registry() {
        return registry;
    }

    KeyPair cloudKeys() {
        return cloudKeys;
    }

    EventIngress ingress() {
        return ingress;
    }

    /** Null when the cloud runs no integrations (or not yet). */
    Integrations integrations() {
        return integrations;
    }

    /** Null until the endpoint has started. */
    DeviceEndpoint endpoint() {
        return endpoint;
    }

    /** Null when alerting is off (or not yet started). */
    Ops ops() {
        return ops;
    }
}
