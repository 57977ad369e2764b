package io.corral.device;

import io.corral.device.internal.DeviceSettings;
import io.corral.protocol.Limits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A device connected to the Corral cloud: it offers functions and variables to the cloud, publishes events and
 * subscribes to events.
 *
 * <pre>{@code
 * Device device = Device.builder().credentials(DeviceCredentials.load(Path.of("device.json"))).build();
 * device.function("led", arg -> 1);
 * device.variable("temp", () -> 21.5);
 * device.subscribe("alerts/", event -> System.out.println(event.name() + " " + event.dataAsString()));
 * device.connect();                          // returns once hello and describe are acknowledged
 * device.publish("temp", "21.5").join();     // completes when the cloud acknowledges
 * device.close();
 * }</pre>
 *
 * <p>Once connected, a device stays connected by itself: when the session is lost (keepalive timeout, cloud
 * restart) it reconnects with full-jitter exponential backoff and resumes the DTLS session when the cloud still
 * holds it. Functions, variables and subscriptions may be added before or after connecting. Instances are
 * thread-safe.
 *
 * <p>Handlers and listeners run on the device's threads. One that throws never breaks the device: the failure is
 * logged, counted in {@link #callbackErrors()} and reported to {@link ConnectionListener#onError(String, Throwable)}.
 */
public interface Device extends AutoCloseable {

    /** A builder; {@link Builder#credentials(DeviceCredentials)} is the only required setting. */
    static Builder builder() {
        return new Builder();
    }

    /** This device's 24-hex id. */
    String id();

    /**
     * Offers a function the cloud may call. Names are 1..64 printable ASCII characters without '/'. Registering a
     * name again replaces the handler. When connected, the cloud learns of it right away.
     */
    Device function(String name, FunctionHandler handler);

    /**
     * Offers a variable the cloud may read. The supplier is called once now to learn the type: Integer, Long,
     * Short or Byte are {@code int}, Float and Double are {@code double}, Boolean is {@code bool}, anything else is
     * sent as a {@code string}.
     */
    Device variable(String name, Supplier<?> value);

    /**
     * Subscribes to events of this device's owner whose names start with {@code prefix} (the empty prefix means
     * all). Kept across reconnects.
     *
     * @return completes when the cloud accepted the subscription (at once when not connected yet)
     */
    CompletableFuture<Void> subscribe(String prefix, EventHandler handler);

    /** As {@link #subscribe(String, EventHandler)}, but only events published by {@code fromDeviceId}. */
    CompletableFuture<Void> subscribe(String prefix, String fromDeviceId, EventHandler handler);

    /** Drops the subscription on {@code prefix}. */
    CompletableFuture<Void> unsubscribe(String prefix);

    /**
     * Connects: DTLS handshake, then hello and describe. Returns once both are acknowledged. From then on the
     * device reconnects by itself whenever the connection is lost, until {@link #disconnect()} or
     * {@link #close()}.
     *
     * @throws DeviceException AUTHENTICATION_REFUSED when the cloud refuses the credentials, HANDSHAKE_TIMEOUT when
     *                         it does not answer in time, REJECTED when hello is refused (a 5.03 carries
     *                         {@link DeviceException#retryAfter()})
     */
    void connect();

    /**
     * Connects in the background, retrying with backoff until connected, then stays connected as
     * {@link #connect()} does. Returns at once; watch progress with a {@link ConnectionListener}.
     */
    void start();

    /**
     * Publishes an event and waits for the cloud to acknowledge it durably (CON). The future fails with
     * {@link DeviceException}: REJECTED with code 4.00 (bad name), 4.13 (too large) or 4.29 (over the rate, with
     * {@link DeviceException#retryAfter()}); NOT_CONNECTED; or TIMEOUT. Invalid input fails at once with
     * IllegalArgumentException.
     */
    CompletableFuture<Void> publish(String name, String data);

    /** As {@link #publish(String, String)} with raw data and a time to live. */
    CompletableFuture<Void> publish(String name, byte[] data, Duration ttl);

    /**
     * Publishes without asking for an acknowledgement (NON): cheaper, and may be lost, including silently when the
     * device is not connected at the time. Name and size are checked as for {@link #publish(String, String)}.
     */
    void publishNoAck(String name, String data);

    /** Asks the cloud for its time. */
    CompletableFuture<Instant> cloudTime();

    /** Current connection state. */
    ConnectionState state();

    /**
     * Adds a listener; listeners are called in the order they were added. A listener that throws is reported to
     * every listener's {@link ConnectionListener#onError(String, Throwable)}, and the next listener is still called.
     */
    void addConnectionListener(ConnectionListener listener);

    /**
     * How many times one of this device's handlers or listeners has thrown: function handlers, variable suppliers,
     * event handlers, connection listeners and the thread factory. Each such failure was also logged and reported to
     * {@link ConnectionListener#onError(String, Throwable)}; the device kept working. The default answers 0, for
     * implementations that do not count.
     */
    default long callbackErrors() {
        return 0;
    }

    /**
     * Says goodbye to the cloud and closes the DTLS session; no automatic reconnect until {@link #connect()} or
     * {@link #start()} again. The session is kept, so the next connect resumes it when the cloud still can.
     */
    void disconnect();

    /** Disconnects and releases threads and sockets; the device cannot be used again. */
    @Override
    void close();

    /**
     * Builds a {@link Device}. Every setting but the credentials has a default; {@link #build()} checks each
     * setting and names the bad one and its allowed range.
     */
    final class Builder {
        private DeviceCredentials credentials;
        private InetSocketAddress cloudAddress;
        private InetAddress localAddress;
        private ThreadFactory threadFactory;
        private ScheduledExecutorService executor;
        private Duration handshakeTimeout = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration reconnectBase = Duration.ofSeconds(1);
        private Duration reconnectCap = Duration.ofSeconds(60);
        private Duration stableAfter = Duration.ofSeconds(30);
        private Duration keepalive;
        private Duration pingTimeout = Duration.ofSeconds(10);
        private String firmwareVersion = "0.0.0";
        private String product = "corral-device";
        private Limits limits = Limits.DEFAULTS;
        private BooleanSupplier linkDown = () -> false;
        private boolean resumeSessions = true;
        private Path sessionFile;

        Builder() {
        }

        /** Required: who the device is and where its cloud is. */
        public Builder credentials(DeviceCredentials credentials) {
            this.credentials = credentials;
            return this;
        }

        /** Overrides the cloud address from the credentials. Default: the credentials' cloud_host and cloud_port. */
        public Builder cloudAddress(InetSocketAddress cloudAddress) {
            this.cloudAddress = cloudAddress;
            return this;
        }

        /**
         * The local address to bind the UDP socket to. Default: the wildcard address. The simulator binds devices to
         * many loopback addresses (127.0.0.x) to go beyond one address's port range.
         */
        public Builder localAddress(InetAddress localAddress) {
            this.localAddress = localAddress;
            return this;
        }

        /**
         * Where the receive loop and sender run. Default: daemon platform threads. Pass
         * {@code Thread.ofVirtual().factory()} to run thousands of devices on virtual threads.
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = threadFactory;
            return this;
        }

        /**
         * The executor for CoAP processing, keepalives and reconnect timers. Default: a single-thread executor of
         * the device's own, shut down on {@link Device#close()}. An executor passed here stays yours: the device
         * never shuts it down, so many devices can share one.
         */
        public Builder executor(ScheduledExecutorService executor) {
            this.executor = executor;
            return this;
        }

        /** How long one DTLS handshake may take before it is given up. Default 30 s; range 1 s..10 min. */
        public Builder handshakeTimeout(Duration handshakeTimeout) {
            this.handshakeTimeout = handshakeTimeout;
            return this;
        }

        /** How long a request (hello, publish, subscribe) may wait for its answer. Default 30 s; range 1 s..10 min. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /**
         * Reconnect backoff: attempt n waits a uniformly random time in [0, min(cap, base * 2^n)] ("full
         * jitter"), so a fleet that lost the cloud together does not come back together. Defaults: base 1 s, cap
         * 60 s. The attempt count resets once a connection has been up for {@link #stableAfter(Duration)}.
         */
        public Builder reconnectBackoff(Duration base, Duration cap) {
            this.reconnectBase = base;
            this.reconnectCap = cap;
            return this;
        }

        /** How long a connection must last to count as stable and reset the backoff. Default 30 s. */
        public Builder stableAfter(Duration stableAfter) {
            this.stableAfter = stableAfter;
            return this;
        }

        /**
         * The interval of CoAP pings that detect a dead link. Default: what the cloud asks for in its hello
         * answer (30 s unless configured otherwise). Range 1 s..1 h.
         */
        public Builder keepalive(Duration keepalive) {
            this.keepalive = keepalive;
            return this;
        }

        /** How long a keepalive ping may go unanswered before the link counts as lost. Default 10 s. */
        public Builder pingTimeout(Duration pingTimeout) {
            this.pingTimeout = pingTimeout;
            return this;
        }

        /** Firmware version sent in hello. Default "0.0.0". */
        public Builder firmwareVersion(String firmwareVersion) {
            this.firmwareVersion = firmwareVersion;
            return this;
        }

        /** Product name sent in hello. Default "corral-device". */
        public Builder product(String product) {
            this.product = product;
            return this;
        }

        /**
         * The limits checked before sending, so bad input fails locally with a precise message. Default
         * {@link Limits#DEFAULTS}, which matches the cloud's defaults.
         */
        public Builder limits(Limits limits) {
            this.limits = limits;
            return this;
        }

        /**
         * For simulators: while {@code linkDown} answers true, every datagram to and from the cloud is dropped, as
         * in a carrier outage. Default: the link is always up.
         */
        public Builder simulatedLinkDown(BooleanSupplier linkDown) {
            this.linkDown = linkDown;
            return this;
        }

        /**
         * Whether a reconnect offers the previous DTLS session for an abbreviated handshake, which costs the cloud
         * a fraction of a full one. Default true. False makes every handshake a full one, as for a device that lost
         * its session state; the fleet simulator uses it to model such devices.
         */
        public Builder resumeSessions(boolean resumeSessions) {
            this.resumeSessions = resumeSessions;
            return this;
        }

        /**
         * Also keeps the resumable DTLS session in this file, so the device can resume it after a restart instead
         * of paying a full handshake; put it beside the credentials. The file holds the session's master secret:
         * it is written readable by the owner only, and deserves the care the credentials get. A missing or
         * unreadable file only means a full handshake. Default: none, the session lives in memory only.
         */
        public Builder sessionFile(Path sessionFile) {
            this.sessionFile = sessionFile;
            return this;
        }

        /** Checks the settings and builds the device; nothing touches the network until connect or start. */
        public Device build() {
            if (credentials == null) {
                throw new IllegalArgumentException("credentials are required: use DeviceCredentials.load(path)");
            }
            requireBetween("handshakeTimeout", handshakeTimeout, Duration.ofSeconds(1), Duration.ofMinutes(10));
            requireBetween("requestTimeout", requestTimeout, Duration.ofSeconds(1), Duration.ofMinutes(10));
            requireBetween("reconnectBackoff base", reconnectBase, Duration.ofMillis(10), Duration.ofHours(1));
            requireBetween("reconnectBackoff cap", reconnectCap, reconnectBase, Duration.ofDays(1));
            requireBetween("stableAfter", stableAfter, Duration.ZERO, Duration.ofDays(1));
            if (keepalive != null) {
                requireBetween("keepalive", keepalive, Duration.ofSeconds(1), Duration.ofHours(1));
            }
            requireBetween("pingTimeout", pingTimeout, Duration.ofMillis(100), Duration.ofMinutes(10));
            Objects.requireNonNull(limits, "limits");
            Objects.requireNonNull(linkDown, "simulatedLinkDown");
            if (sessionFile != null) {
                Path directory = sessionFile.toAbsolutePath().getParent();
                if (directory == null || !Files.isDirectory(directory)) {
                    throw new IllegalArgumentException("sessionFile must be in an existing directory, was "
                            + sessionFile);
                }
            }
            InetSocketAddress cloud = cloudAddress != null ? cloudAddress
                    : new InetSocketAddress(credentials.cloudHost(), credentials.cloudPort());
            if (cloud.isUnresolved()) {
                throw new IllegalArgumentException("cloud address " + cloud + " does not resolve");
            }
            return new DeviceAdapter(new DeviceSettings(credentials, cloud, localAddress, threadFactory, executor,
                    handshakeTimeout, requestTimeout, reconnectBase, reconnectCap, stableAfter, keepalive, pingTimeout,
                    firmwareVersion, product, limits, linkDown, resumeSessions, sessionFile));
        }

        private static void requireBetween(String field, Duration value, Duration min, Duration max) {
            if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(field + " must be between " + min + " and " + max + ", was " + value);
            }
        }
    }
}
