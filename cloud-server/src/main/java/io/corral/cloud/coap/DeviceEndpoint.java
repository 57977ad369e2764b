package io.corral.cloud.coap;

import io.corral.cloud.events.DurableHandOff;
import io.corral.cloud.events.EventBus;
import io.corral.cloud.events.EventIngress;
import io.corral.cloud.events.SystemEvents;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.californium.core.coap.EmptyMessage;
import org.eclipse.californium.core.network.interceptors.MessageInterceptorAdapter;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.protocol.Limits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.DtlsEndpointContext;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.config.CertificateAuthenticationMode;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.DocumentedDefinition;
import org.eclipse.californium.elements.config.SystemConfig;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.elements.util.Bytes;
import org.eclipse.californium.elements.util.ExecutorsUtil;
import org.eclipse.californium.elements.util.NamedThreadFactory;
import org.eclipse.californium.scandium.ConnectionListener;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertDescription;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.Connection;
import org.eclipse.californium.scandium.dtls.DTLSContext;
import org.eclipse.californium.scandium.dtls.ExtendedMasterSecretMode;
import org.eclipse.californium.scandium.dtls.SessionId;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.resumption.ConnectionStoreResumptionVerifier;
import org.eclipse.californium.elements.util.DataStreamReader;
import org.eclipse.californium.elements.util.DatagramWriter;
import org.eclipse.californium.elements.util.SerializationUtil;
import io.corral.cloud.admission.AdmissionController;
import io.corral.cloud.admission.AdmissionSettings;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud's DTLS/CoAP endpoint: a Scandium {@link DTLSConnector} in the server role under a Californium
 * {@link CoapServer} that serves the Corral profile, plus the live-session table and the cloud-to-device calls
 * that use it. {@code io.corral.cloud.Cloud} wires and owns one; most code should go through {@code Cloud}.
 *
 * <p>DTLS: raw public keys only (the cloud's key pair is its identity, a device's key must be registered),
 * PSK with the device id as identity, connection ids of {@value #CONNECTION_ID_LENGTH} bytes (RFC 9146),
 * HelloVerifyRequest for every handshake, extended master secret, and session ids so devices can resume.
 */
public final class DeviceEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceEndpoint.class);

    /** Bytes of the connection ids the cloud assigns: room for far more devices than one node holds. */
    static final int CONNECTION_ID_LENGTH = 6;

    @SuppressWarnings("deprecation") // the replacement, DTLS_USE_HELLO_VERIFY_REQUEST, does not cover resumptions
    private static final org.eclipse.californium.elements.config.IntegerDefinition VERIFY_PEERS_ON_RESUMPTION_THRESHOLD =
            DtlsConfig.DTLS_VERIFY_PEERS_ON_RESUMPTION_THRESHOLD;

    /**
     * The profile's suites first, then common PSK AEAD suites so stock tools such as libcoap's coap-client can
     * connect. Filtered by what the running JCE supports.
     */
    static final List<CipherSuite> CIPHER_SUITES = List.of(
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
            CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
            CipherSuite.TLS_PSK_WITH_AES_128_CCM,
            CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA378,
            CipherSuite.TLS_PSK_WITH_AES_256_CCM,
            CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256);

    /**
     * How many keepalive intervals a device may stay silent (no request, no ping) before its session ends: a ping
     * lost now and then costs nothing, a device gone without a word is offline within three intervals.
     */
    static final int SILENT_KEEPALIVES = 3;

    /** Beside the connections file: who said hello, described what, subscribed to what. */
    static final String LIVE_SESSIONS_FILE = "live-sessions.json";

    /** Connections idle for longer than this are not worth saving across a restart. */
    private static final long SAVE_MAX_QUIET_SECONDS = TimeUnit.HOURS.toSeconds(24);

    private final CoapServer server;
    private final CoapEndpoint endpoint;
    private final RefusingDtlsConnector connector;
    private final LiveSessions sessions;
    /** Ends the sessions of devices that went silent; see {@link #silenceLimitNanos}. */
    private final ScheduledExecutorService keepaliveWatch;
    private final long silenceLimitNanos;
    private final HandshakeCounter handshakes = new HandshakeCounter();
    private final AdmissionController admission;
    private final DeviceCalls calls;
    private final Path connectionsFile;
    private final EventBus bus;
    private final Limits limits;
    private final DtlsSettings dtlsSettings;
    private final DtlsConnectorConfig connectorConfig;

    private DeviceEndpoint(InetSocketAddress bindAddress, KeyPair cloudKeys, DeviceRegistry registry,
                           EventIngress ingress, int keepaliveSeconds, AdmissionSettings admissionSettings,
                           DtlsSettings dtlsSettings, Path connectionsFile) {
        this.bus = ingress.bus();
        this.limits = ingress.limits();
        this.sessions = new LiveSessions(new StatusEvents(ingress));
        this.silenceLimitNanos = TimeUnit.SECONDS.toNanos((long) SILENT_KEEPALIVES * keepaliveSeconds);
        this.keepaliveWatch = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("corral-keepalive-watch").daemon().factory());
        this.dtlsSettings = dtlsSettings;
        DeviceIdentities identities = new DeviceIdentities(registry);
        Configuration configuration = configuration(dtlsSettings);
        ConnectionWatcher watcher = new ConnectionWatcher(identities);
        // Ours rather than Scandium's default, so admission can ask it whether a session id is one we hold.
        ConnectionStoreResumptionVerifier resumption = new ConnectionStoreResumptionVerifier();
        this.admission = AdmissionController.create(admissionSettings,
                sessionId -> resumption.skipRequestHelloVerify(new SessionId(sessionId)));
        this.connectionsFile = connectionsFile;
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(configuration)
                .setAddress(bindAddress)
                .setAdvancedPskStore(new RegistryPskStore(registry))
                .setCertificateIdentityProvider(
                        new SingleCertificateProvider(cloudKeys.getPrivate(), cloudKeys.getPublic()))
                .setAdvancedCertificateVerifier(new RegistryKeyVerifier(identities))
                .setSessionListener(handshakes)
                .setConnectionListener(watcher)
                .setResumptionVerifier(resumption)
                .setDatagramFilter(admission.datagramFilter())
                .setLoggingTag("corral")
                .build();
        this.connectorConfig = dtls;
        RefusingDtlsConnector connector = new RefusingDtlsConnector(dtls, admission.sessionListener());
        this.connector = connector;
        watcher.connector = connector;
        admission.releaseTo(connector::processDatagram);
        // Scandium keeps a connection after close_notify (it may still be resumed) and reports the alert only.
        connector.setAlertHandler((peer, alert) -> {
            if (alert.getDescription() == AlertDescription.CLOSE_NOTIFY && peer != null) {
                sessions.removeByAddress(peer);
            } else if (alert.getDescription() == AlertDescription.UNKNOWN_PSK_IDENTITY) {
                // Reported by Scandium itself when the registry has no such identity; it sends nothing.
                connector.refuse(peer, AlertDescription.UNKNOWN_PSK_IDENTITY);
            }
        });
        this.endpoint = new CoapEndpoint.Builder()
                .setConfiguration(configuration)
                .setConnector(connector)
                .build();
        // Keepalive pings are empty CONs that Californium answers itself; only an interceptor sees them.
        endpoint.addInterceptor(new MessageInterceptorAdapter() {
            @Override
            public void receiveEmptyMessage(EmptyMessage message) {
                Principal principal = message.getSourceContext().getPeerIdentity();
                if (principal != null) {
                    identities.deviceId(principal).ifPresent(sessions::heard);
                }
            }
        });
        this.calls = new DeviceCalls(endpoint, sessions, limits);
        ProfileServices services = new ProfileServices(registry, sessions, identities, bus, ingress, calls,
                new PublishRateLimiter(limits.publishRatePerSecond(), limits.publishBurst()), limits,
                keepaliveSeconds, Clock.systemUTC());
        this.server = new CoapServer(configuration);
        server.setExecutors(
                ExecutorsUtil.newScheduledThreadPool(configuration.get(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT),
                        new NamedThreadFactory("corral-coap#")),
                ExecutorsUtil.newDefaultSecondaryScheduler("corral-coap-timer#"), false);
        server.addEndpoint(endpoint);
        server.add(new HelloResource(services), new DescribeResource(services), new PublishResource(services),
                new SubscriptionResource(services), new TimeResource(services), new GoodbyeResource(services));
    }

    /**
     * Creates an endpoint; {@link #start()} binds it.
     *
     * @param bindAddress      UDP address to bind; port 0 picks an ephemeral port
     * @param cloudKeys        the cloud's P-256 key pair, its raw-public-key identity
     * @param keepaliveSeconds keepalive the hello reply asks devices for
     */
    public static DeviceEndpoint create(InetSocketAddress bindAddress, KeyPair cloudKeys, DeviceRegistry registry,
                                        EventBus bus, Limits limits, int keepaliveSeconds) {
        return create(bindAddress, cloudKeys, registry, new EventIngress(limits, DurableHandOff.NONE, bus),
                keepaliveSeconds, AdmissionSettings.defaults(), DtlsSettings.NONE, null);
    }

    /**
     * As {@link #create(InetSocketAddress, KeyPair, DeviceRegistry, EventBus, Limits, int)}, with the ingress that
     * checks, hands off and routes published events (its limits and bus are the endpoint's), an admission policy,
     * and a file that keeps the DTLS connections across a restart.
     *
     * @param ingress         where a published event is validated, made durable before the device's ACK, and routed
     * @param connectionsFile where {@link #close()} saves the DTLS connections and {@link #start()} loads them
     *                        back (then deletes the file), so a planned restart costs no handshakes; null for none
     */
    public static DeviceEndpoint create(InetSocketAddress bindAddress, KeyPair cloudKeys, DeviceRegistry registry,
                                        EventIngress ingress, int keepaliveSeconds, AdmissionSettings admission,
                                        Path connectionsFile) {
        return create(bindAddress, cloudKeys, registry, ingress, keepaliveSeconds, admission, DtlsSettings.NONE,
                connectionsFile);
    }

    /**
     * As {@link #create(InetSocketAddress, KeyPair, DeviceRegistry, EventIngress, int, AdmissionSettings, Path)},
     * with Scandium settings beyond Corral's own.
     *
     * @param dtls Scandium and Californium settings applied over the Corral profile's
     */
    public static DeviceEndpoint create(InetSocketAddress bindAddress, KeyPair cloudKeys, DeviceRegistry registry,
                                        EventIngress ingress, int keepaliveSeconds, AdmissionSettings admission,
                                        DtlsSettings dtls, Path connectionsFile) {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(cloudKeys, "cloudKeys");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(ingress, "ingress");
        Objects.requireNonNull(admission, "admission");
        Objects.requireNonNull(dtls, "dtls");
        return new DeviceEndpoint(bindAddress, cloudKeys, registry, ingress, keepaliveSeconds, admission, dtls,
                connectionsFile);
    }

    /**
     * What the Corral profile sets in {@link #configuration}: the DTLS role and identities, the handshake's shape and
     * the CoAP message size devices rely on. {@link DtlsSettings} refuses to change them.
     */
    static final Set<DocumentedDefinition<?>> PROFILE_SETTINGS = Set.of(DtlsConfig.DTLS_ROLE,
            DtlsConfig.DTLS_CONNECTION_ID_LENGTH, DtlsConfig.DTLS_CERTIFICATE_TYPES,
            DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE, DtlsConfig.DTLS_USE_HELLO_VERIFY_REQUEST,
            DtlsConfig.DTLS_EXTENDED_MASTER_SECRET_MODE, DtlsConfig.DTLS_SERVER_USE_SESSION_ID,
            VERIFY_PEERS_ON_RESUMPTION_THRESHOLD, DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY,
            DtlsConfig.DTLS_CIPHER_SUITES, CoapConfig.MAX_MESSAGE_SIZE, CoapConfig.PREFERRED_BLOCK_SIZE);

    /** The endpoint's configuration: the Corral profile ({@link #PROFILE_SETTINGS}), then the operator's settings. */
    static Configuration configuration(DtlsSettings dtls) {
        // Explicit modules, not Configuration.getStandard(): that one reads and writes Californium3.properties
        // in the working directory and is shared JVM-wide.
        Configuration configuration = new Configuration(CoapConfig.DEFINITIONS, DtlsConfig.DEFINITIONS,
                UdpConfig.DEFINITIONS, SystemConfig.DEFINITIONS);
        configuration.set(DtlsConfig.DTLS_ROLE, DtlsRole.SERVER_ONLY);
        configuration.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, CONNECTION_ID_LENGTH);
        configuration.setAsList(DtlsConfig.DTLS_CERTIFICATE_TYPES, CertificateType.RAW_PUBLIC_KEY);
        configuration.set(DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE, CertificateAuthenticationMode.NEEDED);
        configuration.set(DtlsConfig.DTLS_USE_HELLO_VERIFY_REQUEST, true);
        configuration.set(DtlsConfig.DTLS_EXTENDED_MASTER_SECRET_MODE, ExtendedMasterSecretMode.ENABLED);
        configuration.set(DtlsConfig.DTLS_SERVER_USE_SESSION_ID, true);
        // Every handshake, resumptions too, earns its HelloVerifyRequest first, so that admission control sees a
        // CLIENT_HELLO with a cookie before any work starts (Scandium would otherwise resume some sessions at once).
        configuration.set(VERIFY_PEERS_ON_RESUMPTION_THRESHOLD, 0);
        // CCM_8 is the profile's suite, but not on Scandium's "recommended" list.
        configuration.set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false);
        configuration.setAsList(DtlsConfig.DTLS_CIPHER_SUITES,
                CIPHER_SUITES.stream().filter(CipherSuite::isSupported).toArray(CipherSuite[]::new));
        // An event of 1024 bytes plus a 64-character name and options fits one message, so deliveries need no
        // block-wise transfer; larger bodies still work block-wise.
        configuration.set(CoapConfig.MAX_MESSAGE_SIZE, 1280);
        configuration.set(CoapConfig.PREFERRED_BLOCK_SIZE, 1024);
        dtls.applyTo(configuration);
        return configuration;
    }

    /** Loads the connections a graceful stop saved, binds the UDP socket and starts serving. */
    public void start() throws IOException {
        boolean restored = loadConnections();
        // Started here rather than by CoapServer.start(), which only logs a failed bind.
        endpoint.start();
        server.start();
        admission.start();
        long sweepMillis = Math.max(1000, TimeUnit.NANOSECONDS.toMillis(silenceLimitNanos) / 10);
        keepaliveWatch.scheduleWithFixedDelay(this::expireSilentSessions, sweepMillis, sweepMillis,
                TimeUnit.MILLISECONDS);
        if (connectionsFile != null) {
            restoreLiveSessions(restored);
        }
        LOG.info("Corral CoAP/DTLS endpoint listening on {}; {}; {}", endpoint.getAddress(), admission.settings(),
                dtlsSettings);
    }

    /** @return whether connections were restored */
    private boolean loadConnections() {
        if (connectionsFile == null || !Files.isRegularFile(connectionsFile)) {
            return false;
        }
        boolean restored = false;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(connectionsFile))) {
            // Connection timestamps are nanoTime of the old process; the mark says how to shift them.
            long delta = SerializationUtil.readNanotimeSynchronizationMark(new DataStreamReader(in));
            int loaded = connector.loadConnections(in, delta);
            LOG.info("restored {} DTLS connections saved at the last stop", loaded);
            restored = loaded > 0;
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot restore DTLS connections from {} ({}); devices will handshake again", connectionsFile,
                    e.toString());
        }
        // Loaded once: after a crash the next start must not bring back sessions older than this one.
        LiveSessionsFile.deleteQuietly(connectionsFile);
        return restored;
    }

    private Path liveSessionsFile() {
        return connectionsFile.resolveSibling(LIVE_SESSIONS_FILE);
    }

    /** The live sessions of the restored connections, so their devices are online without a new hello. */
    private void restoreLiveSessions(boolean connectionsRestored) {
        Path file = liveSessionsFile();
        if (connectionsRestored && Files.isRegularFile(file)) {
            try {
                LiveSessionsFile.restore(file, sessions, bus, calls, limits);
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot restore live sessions from {} ({}); devices are online again at their next "
                        + "hello", file, e.toString());
            }
        }
        LiveSessionsFile.deleteQuietly(file);
    }

    private void saveConnections() {
        Path temporary = connectionsFile.resolveSibling(connectionsFile.getFileName() + ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary))) {
                DatagramWriter mark = new DatagramWriter();
                SerializationUtil.writeNanotimeSynchronizationMark(mark);
                mark.writeTo(out);
                int saved = connector.saveConnections(out, SAVE_MAX_QUIET_SECONDS);
                LOG.info("saved {} DTLS connections for the next start", saved);
            }
            try {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // keeps the default permissions
            }
            Files.move(temporary, connectionsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot save DTLS connections to {} ({}); devices will handshake again after the restart",
                    connectionsFile, e.toString());
        }
    }

    private void expireSilentSessions() {
        try {
            sessions.expireSilent(System.nanoTime(), silenceLimitNanos);
        } catch (RuntimeException e) {
            LOG.warn("keepalive watch failed; it runs again shortly: {}", e.toString());
        }
    }

    /** How long a device may stay silent before its session ends, in System.nanoTime units. */
    long silenceLimitNanos() {
        return silenceLimitNanos;
    }

    /** The bound address; with port 0 at creation, the ephemeral port chosen. */
    public InetSocketAddress address() {
        return endpoint.getAddress();
    }

    public LiveSessions sessions() {
        return sessions;
    }

    public HandshakeStats handshakeStats() {
        return handshakes.snapshot();
    }

    /** Calls a function on a connected device; see {@code Cloud.callFunction}. */
    public CompletableFuture<Integer> callFunction(String deviceId, String name, String argument, Duration timeout) {
        return calls.callFunction(deviceId, name, argument, timeout);
    }

    /** Reads a variable of a connected device; see {@code Cloud.readVariable}. */
    public CompletableFuture<String> readVariable(String deviceId, String name, Duration timeout) {
        return calls.readVariable(deviceId, name, timeout);
    }

    /** The Californium configuration the DTLS connector runs with: the profile's and the {@link DtlsSettings}. */
    Configuration scandiumConfiguration() {
        return connectorConfig.getConfiguration();
    }

    /** The admission controller in front of the DTLS handshakes. */
    public AdmissionController admission() {
        return admission;
    }

    /**
     * Stops serving, saves the DTLS connections when a connections file was given, drops every live session and
     * frees the socket and threads.
     */
    @Override
    public void close() {
        keepaliveWatch.shutdownNow();
        admission.close();
        if (connectionsFile != null && connector.isRunning()) {
            server.stop(); // Scandium saves only a stopped connector's connections
            saveConnections();
            try {
                LiveSessionsFile.save(sessions, liveSessionsFile());
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot save the live sessions ({}); devices are online again at their next hello",
                        e.toString());
            }
        }
        sessions.closeAll();
        server.destroy();
    }

    /** Publishes {@code spark/status} as sessions start and end, to the owner's streams and subscribed devices. */
    private static final class StatusEvents implements LiveSessions.Listener {
        private final EventIngress ingress;

        StatusEvents(EventIngress ingress) {
            this.ingress = ingress;
        }

        @Override
        public void online(LiveSession session) {
            ingress.publishSystem(SystemEvents.status(session.deviceId(), session.owner(), true));
        }

        @Override
        public void offline(LiveSession session) {
            ingress.publishSystem(SystemEvents.status(session.deviceId(), session.owner(), false));
        }
    }

    /**
     * Ends a device's live session when Scandium removes the DTLS connection it came in on (close_notify,
     * eviction, replacement by a new handshake from the same address), but not a session of a newer connection.
     */
    private final class ConnectionWatcher implements ConnectionListener {
        private final DeviceIdentities identities;
        /** Set right after the connector is built; the listener must exist before the connector. */
        private volatile RefusingDtlsConnector connector;

        ConnectionWatcher(DeviceIdentities identities) {
            this.identities = identities;
        }

        @Override
        public void onConnectionRemoved(Connection connection) {
            Principal principal = connection.getEstablishedPeerIdentity();
            DTLSContext context = connection.getEstablishedDtlsContext();
            if (principal == null || context == null) {
                return; // never got past the handshake, so no session can refer to it
            }
            identities.deviceId(principal).ifPresent(deviceId ->
                    sessions.removeIf(deviceId, session -> sameHandshake(session.context(), context)));
        }

        /** The session id alone is not enough: a resumed handshake keeps it. Its timestamp is new, though. */
        private boolean sameHandshake(EndpointContext sessionContext, DTLSContext removed) {
            Long handshakeTime = sessionContext.get(DtlsEndpointContext.KEY_HANDSHAKE_TIMESTAMP);
            Bytes sessionId = sessionContext.get(DtlsEndpointContext.KEY_SESSION_ID);
            return handshakeTime != null && handshakeTime == removed.getLastHandshakeTime() && sessionId != null
                    && Arrays.equals(sessionId.getBytes(), removed.getSession().getSessionIdentifier().getBytes());
        }

        @Override
        public void onConnectionEstablished(Connection connection) {
        }

        @Override
        public boolean onConnectionUpdatesSequenceNumbers(Connection connection, boolean writeSequenceNumber) {
            return false;
        }

        @Override
        public boolean onConnectionMacError(Connection connection) {
            // A MAC error on the device's Finished during a PSK handshake means the device holds another key.
            Handshaker handshake = connection.getOngoingHandshake();
            RefusingDtlsConnector refusing = connector;
            if (handshake != null && refusing != null && handshake.getSession().getCipherSuite() != null
                    && handshake.getSession().getCipherSuite().isPskBased()) {
                refusing.refuse(connection.getPeerAddress(), AlertDescription.DECRYPT_ERROR);
            }
            return false;
        }

        @Override
        public void beforeExecution(Connection connection) {
        }

        @Override
        public void updateExecution(Connection connection) {
        }

        @Override
        public void afterExecution(Connection connection) {
        }
    }
}
