package io.corral.cloud;

import io.corral.cloud.admission.AdmissionSettings;
import io.corral.cloud.admission.AdmissionStats;
import io.corral.cloud.api.ApiServer;
import io.corral.cloud.coap.DeviceCallException;
import io.corral.cloud.ops.CloudMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.corral.cloud.coap.DeviceEndpoint;
import io.corral.cloud.coap.DtlsSettings;
import io.corral.cloud.coap.HandshakeStats;
import io.corral.cloud.coap.LiveSessions;
import io.corral.cloud.events.DurableHandOff;
import io.corral.cloud.events.Event;
import io.corral.cloud.events.EventBus;
import io.corral.cloud.events.InProcessEventBus;
import io.corral.cloud.ops.AlertConfig;
import io.corral.cloud.ops.Ops;
import io.corral.cloud.ops.OpsMetrics;
import io.corral.cloud.ops.OpsSignals;
import io.corral.cloud.ops.PagerDutyNotifier;
import io.corral.cloud.ops.ProcessFds;
import io.corral.cloud.ops.SlackNotifier;
import io.corral.cloud.ops.SqliteIncidentStore;
import io.corral.cloud.integrations.queue.DeliveryQueue;
import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.IntegrationSettings;
import io.corral.cloud.integrations.store.IntegrationStore;
import io.corral.cloud.integrations.Integrations;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.registry.CloudKeys;
import io.corral.cloud.registry.SqliteDeviceRegistry;
import io.corral.cloud.registry.SqliteTokenStore;
import io.corral.protocol.CorralProfile;
import io.corral.protocol.EventNames;
import io.corral.protocol.Limits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A complete Corral cloud in one object: device registry, DTLS/CoAP endpoint, live sessions, event bus and
 * integrations (durable delivery queue, workers, webhooks and MQTT).
 * Tests and the simulator embed it on ephemeral ports; the {@code run} command wraps the same object.
 *
 * <pre>{@code
 * try (Cloud cloud = Cloud.builder().dataDir(Path.of("corral-data")).coapPort(0).build()) {
 *     cloud.start();
 *     InetSocketAddress address = cloud.coapAddress();
 *     int result = cloud.callFunction(deviceId, "reset", "now", Duration.ofSeconds(5)).join();
 * }
 * }</pre>
 *
 * <p>With a data dir, the cloud keeps its integrations and their delivery queue in {@code integrations.db} there
 * and runs their workers: a device's publish is acknowledged only once its deliveries are committed.
 *
 * <p>Cloud-to-device calls return futures that fail with a {@link DeviceCallException} whose reason says what
 * went wrong. The object is thread-safe; {@link #start()} and {@link #close()} may each be called once.
 */
public final class Cloud implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Cloud.class);
    /** How often hook events of separate worker processes are moved from the queue's outbox onto the bus. */
    private static final long OUTBOX_POLL_MILLIS = 250;

    /** In the data dir: the DTLS connections a graceful stop saved for the next start. */
    public static final String CONNECTIONS_FILE = "dtls-connections.bin";

    private final Path dataDir;
    private final InetSocketAddress coapBind;
    private final AdmissionSettings admission;
    private final DtlsSettings dtls;
    private final boolean keepConnections;
    private final CloudMetrics metrics = new CloudMetrics();
    private final Limits limits;
    private final int keepaliveSeconds;
    private final InProcessEventBus bus = new InProcessEventBus();
    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile DeviceRegistry registry;
    private final boolean ownsRegistry;
    private volatile KeyPair cloudKeys;
    private volatile DeviceEndpoint endpoint;
    private final IntegrationSettings integrationSettings;
    private final DeliveryQueue injectedQueue;
    private final IntegrationStore injectedStore;
    private SqliteIntegrationDatabase integrationDatabase;
    private volatile Integrations integrations;
    private ScheduledExecutorService outboxRelay;
    /** The HTTP API, or null when {@link Builder#httpPort} was not set. */
    private final ApiServer api;
    private SqliteTokenStore tokens;
    private final Alerting alerting;
    private volatile Ops ops;
    private boolean started;
    private boolean closed;

    private Cloud(Builder builder, InetSocketAddress coapBind, ApiServer api) {
        this.api = api;
        this.dataDir = builder.dataDir;
        this.coapBind = coapBind;
        this.limits = builder.limits;
        this.keepaliveSeconds = builder.keepaliveSeconds;
        this.registry = builder.registry;
        this.ownsRegistry = builder.registry == null;
        this.integrationSettings = builder.integrationSettings;
        this.injectedQueue = builder.deliveryQueue;
        this.injectedStore = builder.integrationStore;
        this.admission = builder.admission;
        this.dtls = builder.dtls;
        this.keepConnections = builder.keepConnectionsAcrossRestarts && builder.dataDir != null;
        this.alerting = new Alerting(builder);
    }

    /** The alerting settings of the builder, kept until {@link #start()} creates the {@link Ops}. */
    private record Alerting(boolean on, AlertConfig config, URI pageUrl, String pageRoutingKey, URI ticketUrl,
                            URI statusUrl, boolean allowNonPagingDataLoss, OpsSignals signals, int notifierAttempts,
                            Duration notifierBackoff, Duration notifierMaxBackoff) {
        Alerting(Builder b) {
            this(b.alertingOn, b.alerts, b.pageUrl, b.pageRoutingKey, b.ticketUrl, b.statusUrl,
                    b.allowNonPagingDataLoss, b.opsSignals, b.notifierAttempts, b.notifierBackoff,
                    b.notifierMaxBackoff);
        }
    }

    /** A builder with the defaults documented on {@link Builder}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens the registry (when none was injected), creates the cloud's P-256 key pair in it if it has none yet,
     * opens the integrations and starts their workers (with a data dir or injected storage), and binds the
     * CoAP/DTLS endpoint.
     *
     * @throws IOException           if the registry cannot be opened or the UDP port cannot be bound
     * @throws IllegalStateException if called twice or after {@link #close()}
     */
    public void start() throws IOException {
        lifecycle.lock();
        try {
            if (closed || started) {
                throw new IllegalStateException(closed ? "cloud is closed; build a new one" : "cloud already started");
            }
            if (registry == null) {
                registry = SqliteDeviceRegistry.open(dataDir);
            }
            cloudKeys = ensureCloudKeyPair(registry);
            startIntegrations();
            DurableHandOff handOff = integrations == null ? DurableHandOff.NONE : integrations::handOff;
            DeviceEndpoint newEndpoint = DeviceEndpoint.create(coapBind, cloudKeys, registry, bus, handOff, limits,
                    keepaliveSeconds, admission, dtls, keepConnections ? dataDir.resolve(CONNECTIONS_FILE) : null);
            try {
                newEndpoint.start();
            } catch (IOException | RuntimeException e) {
                newEndpoint.close();
                stopIntegrations();
                throw new IOException("cannot start the CoAP/DTLS endpoint on " + coapBind + ": " + e.getMessage(), e);
            }
            endpoint = newEndpoint;
            bindMetrics(newEndpoint);
            if (alerting.on()) {
                try {
                    startOps();
                } catch (RuntimeException e) {
                    newEndpoint.close();
                    endpoint = null;
                    stopIntegrations();
                    throw new IOException("cannot start alerting: " + e.getMessage(), e);
                }
            }
            if (api != null) {
                startApi();
            }
            started = true;
        } finally {
            lifecycle.unlock();
        }
    }

    /** Alerting reads the cloud's own signals after any injected ones; its incidents live in ops.db. */
    private void startOps() {
        List<OpsSignals> sources = new ArrayList<>();
        if (alerting.signals() != null) {
            sources.add(alerting.signals());
        }
        if (integrations != null) {
            sources.add(integrations.opsSignals());
        }
        sources.add(new CloudOpsSignals(() -> endpoint, bus, api));
        sources.add(new ProcessFds());
        String status = alerting.statusUrl() == null ? null : alerting.statusUrl().toString();
        Ops.Builder builder = Ops.builder().config(alerting.config()).signals(OpsSignals.firstOf(sources))
                .allowNonPagingDataLoss(alerting.allowNonPagingDataLoss())
                .notifierRetry(alerting.notifierAttempts(), alerting.notifierBackoff(), alerting.notifierMaxBackoff())
                .incidentStore(dataDir == null ? SqliteIncidentStore.inMemory() : SqliteIncidentStore.open(dataDir));
        if (alerting.pageUrl() != null) {
            builder.pageNotifier(new PagerDutyNotifier(alerting.pageUrl(), alerting.pageRoutingKey(), status));
        }
        if (alerting.ticketUrl() != null) {
            builder.ticketNotifier(new SlackNotifier(alerting.ticketUrl(), status));
        }
        Ops created = builder.build();
        OpsMetrics.bind(created, metrics.registry());
        created.start();
        ops = created;
    }

    /** The built-in alerting and status page, empty when {@link Builder#alerting(boolean)} turned it off. */
    public Optional<Ops> ops() {
        return Optional.ofNullable(ops);
    }

    private void startIntegrations() throws IOException {
        DeliveryQueue queue = injectedQueue;
        IntegrationStore store = injectedStore;
        if (queue == null) {
            if (dataDir == null) {
                return; // an embedded cloud without storage for a queue: no integrations
            }
            try {
                integrationDatabase = SqliteIntegrationDatabase.open(dataDir, integrationSettings.queue());
            } catch (IntegrationException e) {
                throw new IOException("cannot open the integrations database: " + e.getMessage(), e);
            }
            queue = integrationDatabase.queue();
            store = integrationDatabase.integrations();
            // Hook events of workers in other processes (corral-cloud worker) reach this bus through the outbox.
            SqliteIntegrationDatabase db = integrationDatabase;
            outboxRelay = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("corral-outbox-relay").daemon().factory());
            outboxRelay.scheduleWithFixedDelay(() -> relayOutbox(db), OUTBOX_POLL_MILLIS, OUTBOX_POLL_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
        integrations = Integrations.builder().queue(queue).store(store).settings(integrationSettings)
                .hookPublisher(this::publishQuietly).build();
    }

    private void relayOutbox(SqliteIntegrationDatabase db) {
        try {
            List<Event> events;
            do {
                events = db.takeFromOutbox(500);
                events.forEach(this::publishQuietly);
            } while (events.size() == 500);
        } catch (RuntimeException e) {
            LOG.warn("could not relay events of separate workers to the bus: {}", e.getMessage());
        }
    }

    private void publishQuietly(Event event) {
        try {
            bus.publish(event);
        } catch (IllegalStateException closed) {
            LOG.debug("event {} not routed, the bus is closed", event.id());
        }
    }

    private void stopIntegrations() {
        if (integrations != null) {
            integrations.close();
        }
        if (outboxRelay != null) {
            outboxRelay.shutdownNow();
        }
        if (integrationDatabase != null) {
            integrationDatabase.close();
        }
    }

    private void bindMetrics(DeviceEndpoint deviceEndpoint) {
        deviceEndpoint.admission().bindTo(metrics.registry());
        LiveSessions live = deviceEndpoint.sessions();
        Gauge.builder("corral.devices.connected", live, LiveSessions::size)
                .description("devices with a live session (said hello, not gone)").register(metrics.registry());
        FunctionCounter.builder("corral.events.published", bus, InProcessEventBus::publishedCount)
                .description("events published by devices and the API").register(metrics.registry());
        if (api != null) {
            FunctionCounter.builder("corral.api.responses", api, a -> a.responseCounts().responses())
                    .description("HTTP API responses").register(metrics.registry());
            FunctionCounter.builder("corral.api.server.errors", api, a -> a.responseCounts().serverErrors())
                    .description("HTTP API responses with a 5xx status").register(metrics.registry());
        }
        if (integrations != null) {
            integrations.bindTo(metrics.registry());
        }
    }

    /** The API keeps its tokens in the data dir's database; a failure here stops what start() has started. */
    private void startApi() throws IOException {
        try {
            tokens = SqliteTokenStore.open(dataDir);
            api.start(new CloudApiBackend(this, tokens));
        } catch (RuntimeException e) {
            if (ops != null) {
                ops.close();
                ops = null;
            }
            endpoint.close();
            endpoint = null;
            stopIntegrations();
            if (tokens != null) {
                tokens.close();
            }
            throw new IOException("cannot start the HTTP API: " + e.getMessage(), e);
        }
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

    /** Address of the CoAP/DTLS endpoint; with port 0, the ephemeral port it got. */
    public InetSocketAddress coapAddress() {
        return requireStarted().address();
    }

    /**
     * Address of the HTTP API; with port 0, the ephemeral port it got.
     *
     * @throws IllegalStateException if the API is off (no {@link Builder#httpPort}) or the cloud is not started
     */
    public InetSocketAddress httpAddress() {
        if (api == null) {
            throw new IllegalStateException("the HTTP API is off; set httpPort(...) on the builder");
        }
        requireStarted();
        return api.address();
    }

    /** The cloud's public key as SubjectPublicKeyInfo DER, which devices pin. */
    public byte[] publicKeySpki() {
        requireStarted();
        return cloudKeys.getPublic().getEncoded();
    }

    /** The device registry: the injected one, or the SQLite one opened by {@link #start()}. */
    public DeviceRegistry registry() {
        DeviceRegistry current = registry;
        if (current == null) {
            throw new IllegalStateException("the registry is opened by start(); call start() first");
        }
        return current;
    }

    /** Which devices are connected now. */
    public LiveSessions sessions() {
        return requireStarted().sessions();
    }

    /** The event bus that routes device and API events. */
    public EventBus eventBus() {
        return bus;
    }

    /**
     * The integrations: their store (create, pause, ...), queue (attempts, dead letters, replay) and stats.
     *
     * @throws IllegalStateException before {@link #start()}, or if the cloud has neither a data dir nor injected
     *                               integration storage
     */
    public Integrations integrations() {
        Integrations current = integrations;
        if (current == null) {
            throw new IllegalStateException(started || endpoint != null
                    ? "this cloud has no integrations: give it a data dir or integrationStorage(...)"
                    : "integrations start with the cloud; call start() first");
        }
        return current;
    }

    /** The limits devices are held to. */
    public Limits limits() {
        return limits;
    }

    /**
     * Calls a function on a connected device: CON {@code POST /f/{name}} with the argument as UTF-8.
     *
     * @return the function's int32 result; fails with {@link DeviceCallException} (OFFLINE, TIMEOUT, NOT_FOUND,
     *         ARGUMENT_TOO_LONG, HANDLER_FAILED or OTHER)
     */
    public CompletableFuture<Integer> callFunction(String deviceId, String name, String argument, Duration timeout) {
        return requireStarted().callFunction(deviceId, name, argument, timeout);
    }

    /**
     * Reads a variable of a connected device: CON {@code GET /v/{name}}.
     *
     * @return the value as JSON text, for example {@code 21.5} or {@code "on"}; fails with
     *         {@link DeviceCallException}
     */
    public CompletableFuture<String> readVariable(String deviceId, String name, Duration timeout) {
        return requireStarted().readVariable(deviceId, name, timeout);
    }

    /**
     * Publishes a text event on behalf of the cloud API: source {@value CorralProfile#SOURCE_API}, delivered to
     * the owner's devices subscribed to it like any device event.
     *
     * Returns once the event is durable for the integrations that want it, like a device's acknowledged publish.
     *
     * @throws IllegalArgumentException if the name breaks the profile's rules or the data is over the limit
     * @throws IntegrationException     OVERLOADED or STORAGE if it could not be queued for integrations; then it
     *                                  was not published at all
     */
    public void publishFromApi(String owner, String name, String data, int ttlSeconds) {
        requireStarted();
        Objects.requireNonNull(owner, "owner");
        String badName = EventNames.validatePublishName(name, limits);
        if (badName != null) {
            throw new IllegalArgumentException(badName);
        }
        byte[] bytes = (data == null ? "" : data).getBytes(StandardCharsets.UTF_8);
        if (bytes.length > limits.maxEventDataBytes()) {
            throw new IllegalArgumentException("event data is " + bytes.length + " bytes of UTF-8, the limit is "
                    + limits.maxEventDataBytes());
        }
        if (ttlSeconds < 0) {
            throw new IllegalArgumentException("ttlSeconds must be >= 0, was " + ttlSeconds);
        }
        Event event = Event.create(name, bytes, Event.TEXT_PLAIN, ttlSeconds, CorralProfile.SOURCE_API, owner);
        Integrations current = integrations;
        if (current != null) {
            try {
                current.handOff(event).join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof IntegrationException ie ? ie
                        : new IntegrationException(IntegrationException.Reason.STORAGE, e.getCause().getMessage(), e);
            }
        }
        bus.publish(event);
    }

    /** The admission controller's counters: hellos seen, admitted, deferred; handshakes in flight and their ends. */
    public AdmissionStats admissionStats() {
        return requireStarted().admission().stats();
    }

    /**
     * The cloud's metrics; {@link CloudMetrics#scrape()} renders them as Prometheus text, and the HTTP API serves
     * that on {@code GET /metrics}.
     */
    public CloudMetrics metrics() {
        return metrics;
    }


    /** Full and resumed DTLS handshakes completed, and handshakes failed, since start. */
    public HandshakeStats handshakeStats() {
        DeviceEndpoint current = endpoint;
        return current == null ? new HandshakeStats(0, 0, 0) : current.handshakeStats();
    }

    /**
     * Stops the endpoint (saving its DTLS connections for the next start, unless turned off) and the bus; closes
     * the registry only if this cloud opened it. Idempotent.
     */
    @Override
    public void close() {
        lifecycle.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            // The API first: its calls and streams need the endpoint and the bus until it has stopped.
            if (api != null) {
                api.close();
            }
            if (ops != null) {
                ops.close();
            }
            if (tokens != null) {
                tokens.close();
            }
            if (endpoint != null) {
                endpoint.close();
            }
            stopIntegrations();
            metrics.close();
            bus.close();
            if (ownsRegistry && registry != null) {
                registry.close();
            }
        } finally {
            lifecycle.unlock();
        }
    }

    private DeviceEndpoint requireStarted() {
        DeviceEndpoint current = endpoint;
        if (current == null) {
            throw new IllegalStateException("cloud is not started; call start() first");
        }
        if (closed) {
            throw new IllegalStateException("cloud is closed");
        }
        return current;
    }

    /**
     * Settings of a {@link Cloud}. Defaults:
     * <ul>
     *   <li>{@code dataDir}: none. Either {@link #dataDir} or {@link #registry} is required.</li>
     *   <li>{@code coapHost}: {@code 0.0.0.0} (every interface)</li>
     *   <li>{@code coapPort}: {@value CorralProfile#DEFAULT_PORT}; 0 picks an ephemeral port</li>
     *   <li>{@code limits}: {@link Limits#DEFAULTS}</li>
     *   <li>{@code keepaliveSeconds}: {@value CorralProfile#DEFAULT_KEEPALIVE_SECONDS}, in [5, 3600]</li>
     *   <li>{@code registry}: none; without one, {@link Cloud#start()} opens the SQLite registry in
     *       {@code dataDir}. An injected registry stays the caller's: the cloud never closes it.</li>
     *   <li>{@code integrations}: {@link IntegrationSettings#DEFAULTS} (2 workers, ...)</li>
     *   <li>{@code integrationStorage}: none; without it the cloud opens {@code dataDir/integrations.db}, and with
     *       neither it runs no integrations. Injected storage stays the caller's.</li>
     *   <li>{@code admission}: {@link AdmissionSettings#defaults()}, the adaptive policy</li>
     *   <li>{@code keepConnectionsAcrossRestarts}: true; needs {@code dataDir}, where {@link Cloud#close()} saves
     *       the DTLS connections ({@value #CONNECTIONS_FILE}) and {@link Cloud#start()} loads them, so devices
     *       need no handshake after a planned restart</li>
     *   <li>{@code httpPort}: none, so no HTTP API. Set it (0 picks an ephemeral port; {@code corral-cloud run}
     *       uses {@value ApiServer.Builder#DEFAULT_PORT}) to serve the API; it needs {@code dataDir}, where it keeps
     *       its access tokens.</li>
     *   <li>{@code httpHost}: {@code 0.0.0.0}</li>
     *   <li>{@code functionTimeout}: 20 s, in [1 s, 5 min]: how long an API function call or variable read waits
     *       for the device before answering 408</li>
     *   <li>{@code eventStreams}: an SSE client may fall {@value ApiServer.Builder#DEFAULT_STREAM_BUFFER_EVENTS}
     *       events behind before it is disconnected; a heartbeat comment after 10 s of silence</li>
     *   <li>{@code alerting}: on. The built-in alert evaluator ({@link Ops}) runs with {@code alerts}
     *       ({@link AlertConfig#defaults()}), keeps its incidents in {@code ops.db} in {@code dataDir} (in memory
     *       without one), and serves {@code /status} and {@code /v1/status} on the HTTP API.</li>
     *   <li>{@code pageUrl}: none, so pages are only logged. Pages are PagerDuty Events v2 JSON POSTs, with
     *       {@code pageRoutingKey} (default {@code corral}) as the routing key.</li>
     *   <li>{@code ticketUrl}: none, so tickets are only logged. Tickets are Slack-compatible webhook JSON.</li>
     *   <li>{@code statusUrl}: none; when set, notifications link to it</li>
     *   <li>{@code allowNonPagingDataLossAlerts}: false, so {@link #build()} refuses an alert config whose
     *       data-loss rules (worker down, flow imbalance, delivery backlog, file descriptors) do not page</li>
     *   <li>{@code notifierRetry}: 8 tries per notification, backoff from 1 s doubling to 60 s</li>
     *   <li>{@code opsSignals}: none; extra sources for the rules, read before the cloud's own (connected
     *       devices, events published, file descriptors)</li>
     * </ul>
     */
    public static final class Builder {
        private Path dataDir;
        private String coapHost = "0.0.0.0";
        private int coapPort = CorralProfile.DEFAULT_PORT;
        private Limits limits = Limits.DEFAULTS;
        private int keepaliveSeconds = CorralProfile.DEFAULT_KEEPALIVE_SECONDS;
        private DeviceRegistry registry;
        private IntegrationSettings integrationSettings = IntegrationSettings.DEFAULTS;
        private DeliveryQueue deliveryQueue;
        private IntegrationStore integrationStore;
        private AdmissionSettings admission = AdmissionSettings.defaults();
        private DtlsSettings dtls = DtlsSettings.NONE;
        private boolean keepConnectionsAcrossRestarts = true;
        private final ApiServer.Builder api = ApiServer.builder();
        private boolean apiOn;
        private boolean alertingOn = true;
        private AlertConfig alerts = AlertConfig.defaults();
        private URI pageUrl;
        private String pageRoutingKey = "corral";
        private URI ticketUrl;
        private URI statusUrl;
        private boolean allowNonPagingDataLoss;
        private OpsSignals opsSignals;
        private int notifierAttempts = 8;
        private Duration notifierBackoff = Duration.ofSeconds(1);
        private Duration notifierMaxBackoff = Duration.ofSeconds(60);

        private Builder() {
        }

        /** Whether the built-in alert evaluator and status page run. */
        public Builder alerting(boolean on) {
            this.alertingOn = on;
            return this;
        }

        /** Rules, routes and thresholds of the built-in alert evaluator. */
        public Builder alerts(AlertConfig alerts) {
            this.alerts = alerts;
            return this;
        }

        /** Where pages are POSTed as PagerDuty Events v2 JSON; null logs them only. */
        public Builder pageUrl(URI pageUrl) {
            this.pageUrl = pageUrl;
            return this;
        }

        /** The PagerDuty routing (integration) key sent with every page. */
        public Builder pageRoutingKey(String pageRoutingKey) {
            this.pageRoutingKey = pageRoutingKey;
            return this;
        }

        /** Where tickets are POSTed as Slack-compatible webhook JSON; null logs them only. */
        public Builder ticketUrl(URI ticketUrl) {
            this.ticketUrl = ticketUrl;
            return this;
        }

        /** The public address of the status page, linked from notifications. */
        public Builder statusUrl(URI statusUrl) {
            this.statusUrl = statusUrl;
            return this;
        }

        /** The explicit override that lets a data-loss rule be routed to a route that does not page. */
        public Builder allowNonPagingDataLossAlerts(boolean allow) {
            this.allowNonPagingDataLoss = allow;
            return this;
        }

        /** Extra signal sources for the alert rules, read before the cloud's own; may be null. */
        public Builder opsSignals(OpsSignals signals) {
            this.opsSignals = signals;
            return this;
        }

        /** Tries per notification, in [1, 100], and the backoff between them. */
        public Builder notifierRetry(int attempts, Duration backoff, Duration maxBackoff) {
            this.notifierAttempts = attempts;
            this.notifierBackoff = backoff;
            this.notifierMaxBackoff = maxBackoff;
            return this;
        }

        /** How new DTLS handshakes are admitted. */
        public Builder admission(AdmissionSettings admission) {
            this.admission = admission;
            return this;
        }

        /** Scandium settings beyond the Corral profile's; {@link DtlsSettings#NONE} by default. */
        public Builder dtls(DtlsSettings dtls) {
            this.dtls = java.util.Objects.requireNonNull(dtls, "dtls");
            return this;
        }

        /** Whether a graceful stop saves the DTLS connections in the data dir for the next start. */
        public Builder keepConnectionsAcrossRestarts(boolean keep) {
            this.keepConnectionsAcrossRestarts = keep;
            return this;
        }


        /** Directory of the SQLite registry; used when no registry is injected. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Host or IP address the CoAP/DTLS endpoint binds to. */
        public Builder coapHost(String coapHost) {
            this.coapHost = coapHost;
            return this;
        }

        /** UDP port of the CoAP/DTLS endpoint, 0 for an ephemeral one. */
        public Builder coapPort(int coapPort) {
            this.coapPort = coapPort;
            return this;
        }

        /** Limits devices are held to. */
        public Builder limits(Limits limits) {
            this.limits = limits;
            return this;
        }

        /** Keepalive interval the cloud asks devices for in its hello reply. */
        public Builder keepaliveSeconds(int keepaliveSeconds) {
            this.keepaliveSeconds = keepaliveSeconds;
            return this;
        }

        /** A registry to use instead of the SQLite one in {@code dataDir}; may be null. */
        public Builder registry(DeviceRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** How the integration workers, senders and queue run. */
        public Builder integrations(IntegrationSettings settings) {
            this.integrationSettings = settings;
            return this;
        }

        /** A queue and store to use instead of {@code dataDir/integrations.db}; both or neither. */
        public Builder integrationStorage(DeliveryQueue queue, IntegrationStore store) {
            this.deliveryQueue = queue;
            this.integrationStore = store;
            return this;
        }

        /** Host or IP address the HTTP API binds to. */
        public Builder httpHost(String httpHost) {
            api.host(httpHost);
            return this;
        }

        /** TCP port of the HTTP API, 0 for an ephemeral one; without it the cloud serves no HTTP API. */
        public Builder httpPort(int httpPort) {
            api.port(httpPort);
            apiOn = true;
            return this;
        }

        /** How long an API function call or variable read waits for the device. */
        public Builder functionTimeout(Duration functionTimeout) {
            api.functionTimeout(functionTimeout);
            return this;
        }

        /** How many events an SSE client may fall behind by, and the longest silence on a stream. */
        public Builder eventStreams(int bufferEvents, Duration heartbeat) {
            api.eventStreams(bufferEvents, heartbeat);
            return this;
        }

        /**
         * Checks the settings and creates the cloud; nothing is opened or bound until {@link Cloud#start()}.
         *
         * @throws IllegalArgumentException naming the first bad setting and its allowed range
         */
        public Cloud build() {
            if (registry == null && dataDir == null) {
                throw new IllegalArgumentException(
                        "either registry(...) or dataDir(...) must be set: the cloud needs a device registry");
            }
            if (coapHost == null || coapHost.isBlank()) {
                throw new IllegalArgumentException("coapHost must be a host name or IP address, was '" + coapHost + "'");
            }
            if (coapPort < 0 || coapPort > 65535) {
                throw new IllegalArgumentException("coapPort must be in [0, 65535] (0 = ephemeral), was " + coapPort);
            }
            if (limits == null) {
                throw new IllegalArgumentException("limits must not be null; use Limits.DEFAULTS");
            }
            if (integrationSettings == null) {
                throw new IllegalArgumentException("integrations must not be null; use IntegrationSettings.DEFAULTS");
            }
            if ((deliveryQueue == null) != (integrationStore == null)) {
                throw new IllegalArgumentException("integrationStorage needs both a queue and a store, or neither");
            }
            if (keepaliveSeconds < 5 || keepaliveSeconds > 3600) {
                throw new IllegalArgumentException("keepaliveSeconds must be in [5, 3600], was " + keepaliveSeconds);
            }
            if (admission == null) {
                throw new IllegalArgumentException("admission must not be null; use AdmissionSettings.defaults()");
            }
            InetSocketAddress bind = new InetSocketAddress(coapHost, coapPort);
            if (bind.isUnresolved()) {
                throw new IllegalArgumentException("coapHost '" + coapHost + "' does not resolve to an address");
            }
            if (apiOn && dataDir == null) {
                throw new IllegalArgumentException("httpPort needs dataDir(...): the HTTP API keeps its access tokens "
                        + "in the data dir's database");
            }
            if (alertingOn) {
                validateAlerting();
            }
            return new Cloud(this, bind, apiOn ? api.build() : null);
        }

        private void validateAlerting() {
            if (alerts == null) {
                throw new IllegalArgumentException("alerts must not be null; use AlertConfig.defaults()");
            }
            alerts.validate(allowNonPagingDataLoss);
            checkHttpUrl("pageUrl", pageUrl);
            checkHttpUrl("ticketUrl", ticketUrl);
            checkHttpUrl("statusUrl", statusUrl);
            if (pageUrl != null && (pageRoutingKey == null || pageRoutingKey.isBlank())) {
                throw new IllegalArgumentException("pageRoutingKey must not be empty when pageUrl is set");
            }
            Ops.checkNotifierRetry(notifierAttempts, notifierBackoff, notifierMaxBackoff);
        }

        private static void checkHttpUrl(String name, URI url) {
            if (url != null && (url.getHost() == null
                    || !("http".equals(url.getScheme()) || "https".equals(url.getScheme())))) {
                throw new IllegalArgumentException(name + " must be an http or https URL, was " + url);
            }
        }
    }
}
