package io.corral.cloud;

import io.corral.cloud.admission.AdmissionStats;
import io.corral.cloud.coap.DeviceCallException;
import io.corral.cloud.coap.DeviceEndpoint;
import io.corral.cloud.coap.HandshakeStats;
import io.corral.cloud.coap.LiveSessions;
import io.corral.cloud.events.EventBus;
import io.corral.cloud.events.EventIngress;
import io.corral.cloud.events.InProcessEventBus;
import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.Integrations;
import io.corral.cloud.ops.CloudMetrics;
import io.corral.cloud.ops.Ops;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.storage.CloseStack;
import io.corral.protocol.CorralProfile;
import io.corral.protocol.Limits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A complete Corral cloud in one object: storage (device registry, tokens, integrations with their durable
 * delivery queue, incidents), DTLS/CoAP endpoint, live sessions, event bus, integration workers (webhooks, MQTT),
 * alerting and the HTTP API. Tests and the simulator embed it on ephemeral ports; {@code corral-cloud run} wraps
 * the same object. Its settings are on {@link CloudBuilder}; {@link #start()} opens its parts.
 *
 * <pre>{@code
 * try (Cloud cloud = Cloud.builder().dataDir(Path.of("corral-data")).coapPort(0).build()) {
 *     cloud.start();
 *     InetSocketAddress address = cloud.coapAddress();
 *     int result = cloud.callFunction(deviceId, "reset", "now", Duration.ofSeconds(5)).join();
 * }
 * }</pre>
 *
 * <p>With a storage (or a data dir), the cloud keeps its integrations and their delivery queue there and runs
 * their workers: a device's publish is acknowledged only once its deliveries are committed.
 *
 * <p>Cloud-to-device calls return futures that fail with a {@link DeviceCallException} whose reason says what
 * went wrong. The object is thread-safe; {@link #start()} and {@link #close()} may each be called once.
 */
public final class Cloud implements AutoCloseable {
    /** In the storage's directory: the DTLS connections a graceful stop saved for the next start. */
    public static final String CONNECTIONS_FILE = "dtls-connections.bin";

    private final CloudSpec spec;
    private final CloseStack closeStack = new CloseStack();
    private final EventBus bus;
    private final CloudMetrics metrics;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private final CloudParts parts;
    private boolean started;
    private volatile boolean closed;

    Cloud(CloudSpec spec) {
        this.spec = spec;
        this.bus = spec.eventBus() != null ? spec.eventBus() : closeStack.push("event bus", new InProcessEventBus());
        this.metrics = closeStack.push("metrics", new CloudMetrics());
        this.parts = new CloudParts(this, spec, bus, metrics, closeStack);
    }

    /** A builder with the defaults documented on {@link CloudBuilder}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The builder of a {@link Cloud}; its settings and defaults are documented on {@link CloudBuilder}. */
    public static final class Builder extends CloudBuilder<Builder> {
        private Builder() {
        }
    }

    /**
     * Opens the storage (unless injected), creates the cloud's P-256 key pair in its registry if it has none yet,
     * opens the integrations and starts their workers (with a storage or injected integration storage), binds the
     * CoAP/DTLS endpoint, and starts alerting and the HTTP API. If any of it fails, what it opened is closed
     * again, in reverse, and the cloud is closed.
     *
     * @throws IOException           if the storage cannot be opened or a port cannot be bound
     * @throws IllegalStateException if called twice or after {@link #close()}
     */
    public void start() throws IOException {
        lifecycle.lock();
        try {
            if (closed || started) {
                throw new IllegalStateException(closed ? "cloud is closed; build a new one" : "cloud already started");
            }
            try {
                parts.open();
            } catch (IOException | RuntimeException | Error e) {
                closed = true;
                closeStack.close();
                throw e;
            }
            started = true;
        } finally {
            lifecycle.unlock();
        }
    }

    /** The built-in alerting and status page, empty when {@link CloudBuilder#alerting(boolean)} turned it off. */
    public Optional<Ops> ops() {
        return Optional.ofNullable(parts.ops());
    }

    /** Address of the CoAP/DTLS endpoint; with port 0, the ephemeral port it got. */
    public InetSocketAddress coapAddress() {
        return requireStarted().address();
    }

    /**
     * Address of the HTTP API; with port 0, the ephemeral port it got.
     *
     * @throws IllegalStateException if the API is off (no {@link CloudBuilder#httpPort}) or the cloud is not started
     */
    public InetSocketAddress httpAddress() {
        if (spec.api() == null) {
            throw new IllegalStateException("the HTTP API is off; set httpPort(...) on the builder");
        }
        requireStarted();
        return spec.api().address();
    }

    /** The cloud's public key as SubjectPublicKeyInfo DER, which devices pin. */
    public byte[] publicKeySpki() {
        requireStarted();
        return parts.cloudKeys().getPublic().getEncoded();
    }

    /** The device registry: the injected one, or the storage's, opened by {@link #start()}. */
    public DeviceRegistry registry() {
        DeviceRegistry registry = spec.registry() != null ? spec.registry() : parts.registry();
        if (registry == null) {
            throw new IllegalStateException("the registry is opened by start(); call start() first");
        }
        return registry;
    }

    /** Which devices are connected now. */
    public LiveSessions sessions() {
        return requireStarted().sessions();
    }

    /** The event bus that routes device and API events: the injected one, or the cloud's own. */
    public EventBus eventBus() {
        return bus;
    }

    /**
     * The integrations: their store (create, pause, ...), queue (attempts, dead letters, replay) and stats.
     *
     * @throws IllegalStateException before {@link #start()}, or if the cloud has neither a storage nor injected
     *                               integration storage
     */
    public Integrations integrations() {
        Integrations integrations = parts.integrations();
        if (integrations == null) {
            throw new IllegalStateException(started || parts.endpoint() != null
                    ? "this cloud has no integrations: give it a storage, a data dir or integrationStorage(...)"
                    : "integrations start with the cloud; call start() first");
        }
        return integrations;
    }

    /** The limits devices are held to. */
    public Limits limits() {
        return spec.limits();
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
     * the owner's devices subscribed to it like any device event, through the same {@link EventIngress}. Returns
     * once the event is durable for the integrations that want it, like a device's acknowledged publish.
     *
     * @throws IllegalArgumentException if the name breaks the profile's rules or the data is over the limit
     * @throws IntegrationException     OVERLOADED or STORAGE if it could not be queued for integrations; then it
     *                                  was not published at all
     */
    public void publishFromApi(String owner, String name, String data, int ttlSeconds) {
        requireStarted();
        CloudApiBackend.publish(parts.ingress(), owner, name, data, ttlSeconds);
    }

    /** The admission controller's counters: hellos seen, admitted, deferred; handshakes in flight and their ends. */
    public AdmissionStats admissionStats() {
        return requireStarted().admission().stats();
    }

    /** The cloud's metrics; {@link CloudMetrics#scrape()} renders the Prometheus text {@code GET /metrics} serves. */
    public CloudMetrics metrics() {
        return metrics;
    }

    /** Full and resumed DTLS handshakes completed, and handshakes failed, since start. */
    public HandshakeStats handshakeStats() {
        DeviceEndpoint endpoint = parts.endpoint();
        return endpoint == null ? new HandshakeStats(0, 0, 0) : endpoint.handshakeStats();
    }

    /**
     * Closes what the cloud opened, in reverse order: the HTTP API, alerting, the endpoint (which saves its DTLS
     * connections for the next start, unless turned off), the integrations, its own storage, metrics and bus.
     * Injected parts stay open. A part that fails to close is logged and the rest still close. Idempotent.
     */
    @Override
    public void close() {
        lifecycle.lock();
        try {
            closed = true;
            closeStack.close();
        } finally {
            lifecycle.unlock();
        }
    }

    private DeviceEndpoint requireStarted() {
        DeviceEndpoint endpoint = parts.endpoint();
        if (endpoint == null) {
            throw new IllegalStateException("cloud is not started; call start() first");
        }
        if (closed) {
            throw new IllegalStateException("cloud is closed");
        }
        return endpoint;
    }
}
