package io.corral.cloud;

import io.corral.cloud.admission.AdmissionSettings;
import io.corral.cloud.api.ApiServer;
import io.corral.cloud.coap.DtlsSettings;
import io.corral.cloud.events.EventBus;
import io.corral.cloud.events.InProcessEventBus;
import io.corral.cloud.integrations.queue.DeliveryQueue;
import io.corral.cloud.integrations.IntegrationSettings;
import io.corral.cloud.integrations.store.IntegrationStore;
import io.corral.cloud.ops.AlertConfig;
import io.corral.cloud.ops.Ops;
import io.corral.cloud.ops.OpsSignals;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.storage.Storage;
import io.corral.cloud.storage.sqlite.SqliteStorage;
import io.corral.protocol.CorralProfile;
import io.corral.protocol.Limits;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link Cloud}, reached as {@link Cloud#builder()} and named {@link Cloud.Builder} in code.
 * Defaults:
 * <ul>
 *   <li>{@code storage}: none. Either {@link #storage}, {@link #dataDir} or {@link #registry} is required.
 *       The storage yields the registry, the API's tokens, the integrations and their queue, and the incidents.
 *       An injected storage stays the caller's: the cloud never closes it.</li>
 *   <li>{@code dataDir}: none; {@code dataDir(DIR)} is short for a {@link SqliteStorage} in {@code DIR} that the
 *       cloud opens at {@link Cloud#start()} and closes with itself</li>
 *   <li>{@code coapHost}: {@code 0.0.0.0} (every interface)</li>
 *   <li>{@code coapPort}: {@value CorralProfile#DEFAULT_PORT}; 0 picks an ephemeral port</li>
 *   <li>{@code limits}: {@link Limits#DEFAULTS}</li>
 *   <li>{@code keepaliveSeconds}: {@value CorralProfile#DEFAULT_KEEPALIVE_SECONDS}, in [5, 3600]</li>
 *   <li>{@code registry}: none; without one, {@link Cloud#start()} takes the storage's registry (the SQLite
 *       registry in {@code dataDir}). An injected registry stays the caller's: the cloud never closes it.</li>
 *   <li>{@code eventBus}: none, so the cloud runs its own {@link InProcessEventBus} and closes it with itself.
 *       An injected bus stays the caller's.</li>
 *   <li>{@code integrations}: {@link IntegrationSettings#DEFAULTS} (2 workers, ...)</li>
 *   <li>{@code integrationStorage}: none; without it the cloud takes the storage's queue and integrations
 *       ({@code dataDir/integrations.db}), and with neither it runs no integrations. Injected storage stays the
 *       caller's.</li>
 *   <li>{@code admission}: {@link AdmissionSettings#defaults()}, the adaptive policy</li>
 *   <li>{@code dtls}: {@link DtlsSettings#NONE}: Scandium runs on the Corral profile's configuration only</li>
 *   <li>{@code keepConnectionsAcrossRestarts}: true; needs a storage with a directory (a {@code dataDir}), where
 *       {@link Cloud#close()} saves the DTLS connections ({@value Cloud#CONNECTIONS_FILE}) and
 *       {@link Cloud#start()} loads them, so devices need no handshake after a planned restart</li>
 *   <li>{@code httpPort}: none, so no HTTP API. Set it (0 picks an ephemeral port; {@code corral-cloud run}
 *       uses {@value ApiServer.Builder#DEFAULT_PORT}) to serve the API; it needs {@code dataDir} or
 *       {@code storage}, where it keeps its access tokens.</li>
 *   <li>{@code httpHost}: {@code 0.0.0.0}</li>
 *   <li>{@code functionTimeout}: 20 s, in [1 s, 5 min]: how long an API function call or variable read waits
 *       for the device before answering 408</li>
 *   <li>{@code eventStreams}: an SSE client may fall {@value ApiServer.Builder#DEFAULT_STREAM_BUFFER_EVENTS}
 *       events behind before it is disconnected; a heartbeat comment after 10 s of silence</li>
 *   <li>{@code login}: {@link io.corral.cloud.api.LoginSettings#DEFAULTS}: Particle's client ids accepted,
 *       90-day tokens, 5 failed logins per username and per address a minute</li>
 *   <li>{@code alerting}: on. The built-in alert evaluator ({@link Ops}) runs with {@code alerts}
 *       ({@link AlertConfig#defaults()}), keeps its incidents in the storage ({@code ops.db} in {@code dataDir};
 *       in memory without a storage), and serves {@code /status} and {@code /v1/status} on the HTTP API.</li>
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
 *
 * <p>Its one subclass is {@link Cloud.Builder}, so that the setters return the type callers name.
 *
 * @param <B> {@link Cloud.Builder}
 */
public abstract sealed class CloudBuilder<B extends CloudBuilder<B>> permits Cloud.Builder {
    private Storage storage;
    private Path dataDir;
    private String coapHost = "0.0.0.0";
    private int coapPort = CorralProfile.DEFAULT_PORT;
    private Limits limits = Limits.DEFAULTS;
    private int keepaliveSeconds = CorralProfile.DEFAULT_KEEPALIVE_SECONDS;
    private DeviceRegistry registry;
    private EventBus eventBus;
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

    CloudBuilder() {
    }

    @SuppressWarnings("unchecked") // B is the one permitted subclass, Cloud.Builder
    private B self() {
        return (B) this;
    }

    /** Whether the built-in alert evaluator and status page run. */
    public B alerting(boolean on) {
        this.alertingOn = on;
        return self();
    }

    /** Rules, routes and thresholds of the built-in alert evaluator. */
    public B alerts(AlertConfig alerts) {
        this.alerts = alerts;
        return self();
    }

    /** Where pages are POSTed as PagerDuty Events v2 JSON; null logs them only. */
    public B pageUrl(URI pageUrl) {
        this.pageUrl = pageUrl;
        return self();
    }

    /** The PagerDuty routing (integration) key sent with every page. */
    public B pageRoutingKey(String pageRoutingKey) {
        this.pageRoutingKey = pageRoutingKey;
        return self();
    }

    /** Where tickets are POSTed as Slack-compatible webhook JSON; null logs them only. */
    public B ticketUrl(URI ticketUrl) {
        this.ticketUrl = ticketUrl;
        return self();
    }

    /** The public address of the status page, linked from notifications. */
    public B statusUrl(URI statusUrl) {
        this.statusUrl = statusUrl;
        return self();
    }

    /** The explicit override that lets a data-loss rule be routed to a route that does not page. */
    public B allowNonPagingDataLossAlerts(boolean allow) {
        this.allowNonPagingDataLoss = allow;
        return self();
    }

    /** Extra signal sources for the alert rules, read before the cloud's own; may be null. */
    public B opsSignals(OpsSignals signals) {
        this.opsSignals = signals;
        return self();
    }

    /** Tries per notification, in [1, 100], and the backoff between them. */
    public B notifierRetry(int attempts, Duration backoff, Duration maxBackoff) {
        this.notifierAttempts = attempts;
        this.notifierBackoff = backoff;
        this.notifierMaxBackoff = maxBackoff;
        return self();
    }

    /** How new DTLS handshakes are admitted. */
    public B admission(AdmissionSettings admission) {
        this.admission = admission;
        return self();
    }

    /** Scandium settings beyond the Corral profile's ({@code dtls.scandium.*}). */
    public B dtls(DtlsSettings dtls) {
        this.dtls = Objects.requireNonNull(dtls, "dtls");
        return self();
    }

    /** Whether a graceful stop saves the DTLS connections in the storage's directory for the next start. */
    public B keepConnectionsAcrossRestarts(boolean keep) {
        this.keepConnectionsAcrossRestarts = keep;
        return self();
    }

    /** Where the cloud keeps everything; stays the caller's. Not together with {@link #dataDir}. */
    public B storage(Storage storage) {
        this.storage = storage;
        return self();
    }

    /** Short for a {@link SqliteStorage} in {@code dataDir}, which the cloud opens and closes itself. */
    public B dataDir(Path dataDir) {
        this.dataDir = dataDir;
        return self();
    }

    /** Host or IP address the CoAP/DTLS endpoint binds to. */
    public B coapHost(String coapHost) {
        this.coapHost = coapHost;
        return self();
    }

    /** UDP port of the CoAP/DTLS endpoint, 0 for an ephemeral one. */
    public B coapPort(int coapPort) {
        this.coapPort = coapPort;
        return self();
    }

    /** Limits devices are held to. */
    public B limits(Limits limits) {
        this.limits = limits;
        return self();
    }

    /** Keepalive interval the cloud asks devices for in its hello reply. */
    public B keepaliveSeconds(int keepaliveSeconds) {
        this.keepaliveSeconds = keepaliveSeconds;
        return self();
    }

    /** A registry to use instead of the storage's; may be null. */
    public B registry(DeviceRegistry registry) {
        this.registry = registry;
        return self();
    }

    /** A bus to route events on instead of the cloud's own {@link InProcessEventBus}; may be null. */
    public B eventBus(EventBus eventBus) {
        this.eventBus = eventBus;
        return self();
    }

    /** How the integration workers, senders and queue run. */
    public B integrations(IntegrationSettings settings) {
        this.integrationSettings = settings;
        return self();
    }

    /** A queue and store to use instead of the storage's ({@code dataDir/integrations.db}); both or neither. */
    public B integrationStorage(DeliveryQueue queue, IntegrationStore store) {
        this.deliveryQueue = queue;
        this.integrationStore = store;
        return self();
    }

    /** Host or IP address the HTTP API binds to. */
    public B httpHost(String httpHost) {
        api.host(httpHost);
        return self();
    }

    /** TCP port of the HTTP API, 0 for an ephemeral one; without it the cloud serves no HTTP API. */
    public B httpPort(int httpPort) {
        api.port(httpPort);
        apiOn = true;
        return self();
    }

    /** How long an API function call or variable read waits for the device. */
    public B functionTimeout(Duration functionTimeout) {
        api.functionTimeout(functionTimeout);
        return self();
    }

    /** How {@code POST /oauth/token} logs users in: accepted client ids, token lifetime, throttling. */
    public B login(io.corral.cloud.api.LoginSettings login) {
        api.login(login);
        return self();
    }

    /** How many events an SSE client may fall behind by, and the longest silence on a stream. */
    public B eventStreams(int bufferEvents, Duration heartbeat) {
        api.eventStreams(bufferEvents, heartbeat);
        return self();
    }

    /**
     * Checks the settings and creates the cloud; nothing is opened or bound until {@link Cloud#start()}.
     *
     * @throws IllegalArgumentException naming the first bad setting and its allowed range
     */
    public Cloud build() {
        if (registry == null && dataDir == null && storage == null) {
            throw new IllegalArgumentException(
                    "either registry(...) or dataDir(...) must be set: the cloud needs a device registry");
        }
        if (storage != null && dataDir != null) {
            throw new IllegalArgumentException("set storage(...) or dataDir(...), not both: dataDir(" + dataDir
                    + ") is short for a SQLite storage there");
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
        if (apiOn && dataDir == null && storage == null) {
            throw new IllegalArgumentException("httpPort needs dataDir(...): the HTTP API keeps its access tokens "
                    + "in the data dir's database");
        }
        if (alertingOn) {
            validateAlerting();
        }
        CloudSpec.Alerting alerting = new CloudSpec.Alerting(alertingOn, alerts, pageUrl, pageRoutingKey, ticketUrl,
                statusUrl, allowNonPagingDataLoss, opsSignals, notifierAttempts, notifierBackoff, notifierMaxBackoff);
        return new Cloud(new CloudSpec(bind, limits, keepaliveSeconds, admission, dtls, keepConnectionsAcrossRestarts,
                storage, dataDir, registry, eventBus, integrationSettings, deliveryQueue, integrationStore,
                apiOn ? api.build() : null, alerting));
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
