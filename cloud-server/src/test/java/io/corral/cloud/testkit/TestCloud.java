package io.corral.cloud.testkit;

import io.corral.cloud.Cloud;
import io.corral.cloud.registry.CloudKeys;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.registry.SqliteTokenStore;
import io.corral.cloud.registry.TokenStore;
import io.corral.cloud.storage.memory.MemoryStorage;
import io.corral.device.Device;
import io.corral.device.DeviceCredentials;
import io.corral.protocol.DeviceIds;
import io.corral.protocol.Limits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A real {@link Cloud} for tests, started on ephemeral loopback ports, and the factory for the devices, tokens and
 * HTTP client that talk to it. Build one with {@link #builder()}; close it once (it is {@link AutoCloseable}, so a
 * test may hold it in try-with-resources or in a field marked {@code @AutoClose}). Closing closes, newest first,
 * the HTTP client's streams, the devices it made, the cloud, and the temp dir it created.
 *
 * <p>Storage, chosen once on the builder: {@link Builder#dataDir} (SQLite files in a directory of the test's),
 * {@link Builder#memory} (nothing on disk), or by default SQLite in a temp dir of the kit's own.
 */
public final class TestCloud implements AutoCloseable {
    /** The default limits with a per-device publish rate high enough never to get in a test's way. */
    public static final Limits UNLIMITED = new Limits(64, 1024, 1024, 64, 100_000, 100_000, 8);

    /** A device that notices a lost cloud within about a second and reconnects quickly: for restart tests. */
    public static final UnaryOperator<Device.Builder> QUICK_RECONNECT = b -> b.keepalive(Duration.ofSeconds(1))
            .pingTimeout(Duration.ofMillis(800)).reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));

    private final Builder settings;
    private final Path dataDir;
    private final boolean ownsDataDir;
    /** The test's or {@link Builder#memory()}'s registry, made once so that {@link #startAgain()} finds it again. */
    private final DeviceRegistry registry;
    /** What to close before the cloud, newest first; devices may be made on any thread. */
    private final Deque<AutoCloseable> closeables = new ConcurrentLinkedDeque<>();
    private volatile Cloud cloud;
    /** The CoAP port the first cloud bound, so that {@link #startAgain()} binds the same. */
    private final int coapPort;
    private ApiClient api;

    private TestCloud(Builder settings) {
        this.settings = settings;
        this.registry = settings.registry == null ? null : settings.registry.get();
        if (settings.memory || settings.dataDir != null) {
            dataDir = settings.dataDir;
            ownsDataDir = false;
        } else {
            try {
                dataDir = Files.createTempDirectory("corral-testcloud-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ownsDataDir = true;
        }
        try {
            cloud = startCloud(settings.coapPort);
        } catch (RuntimeException e) {
            if (ownsDataDir) {
                deleteTree(dataDir);
            }
            throw e;
        }
        coapPort = cloud.coapAddress().getPort();
    }

    /** A builder: SQLite in a temp dir of its own, CoAP/DTLS on an ephemeral loopback port, default limits. */
    public static Builder builder() {
        return new Builder();
    }

    private Cloud startCloud(int coapPort) {
        Cloud.Builder builder = Cloud.builder().coapHost("127.0.0.1").coapPort(coapPort).limits(settings.limits);
        // The one place that turns the storage choice into the cloud's storage.
        if (dataDir != null) {
            builder.dataDir(dataDir);
        }
        if (registry != null) {
            builder.registry(registry);
        }
        if (settings.http) {
            builder.httpHost("127.0.0.1").httpPort(0);
        }
        Cloud started = settings.configure.apply(builder).build();
        try {
            started.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return started;
    }

    public Cloud cloud() {
        return cloud;
    }

    /** The directory the cloud keeps its SQLite files in; none for {@link Builder#memory()}. */
    public Path dataDir() {
        if (dataDir == null) {
            throw new IllegalStateException("this test cloud keeps nothing on disk (memory storage): no data dir");
        }
        return dataDir;
    }

    public InetSocketAddress coapAddress() {
        return cloud.coapAddress();
    }

    public DeviceRegistry registry() {
        return cloud.registry();
    }

    /** The base of the HTTP API, {@code http://127.0.0.1:PORT}; needs {@link Builder#http()}. */
    public URI httpUri() {
        if (cloud.httpAddress() == null) {
            throw new IllegalStateException("this test cloud serves no HTTP API: build it with http()");
        }
        return URI.create("http://127.0.0.1:" + cloud.httpAddress().getPort());
    }

    /** The HTTP client of this cloud's API, made on first use; it closes its streams when the cloud closes. */
    public ApiClient api() {
        if (api == null) {
            api = new ApiClient(httpUri());
            closeables.push(api);
        }
        return api;
    }

    /** Stops the cloud (as a planned stop: it saves its DTLS connections); devices stay open. */
    public void stop() {
        cloud.close();
    }

    /** Starts a new cloud on the same storage, settings and CoAP port as the one {@link #stop()} stopped. */
    public void startAgain() {
        cloud = startCloud(coapPort);
    }

    /** A token issued as {@code corral-cloud token create} issues it: from another connection to the database. */
    public String token(String owner) {
        return issue(owner, false, null).token();
    }

    public String adminToken(String owner) {
        return issue(owner, true, null).token();
    }

    public TokenStore.Issued issue(String owner, boolean admin, Instant expiresAt) {
        try (SqliteTokenStore tokens = SqliteTokenStore.open(dataDir())) {
            return tokens.create(owner, admin, expiresAt);
        }
    }

    /** Registers an RPK device of {@code owner} in the registry and returns its credential file. */
    public DeviceCredentials rpkCredentials(String owner) {
        KeyPair keys = CloudKeys.generateP256();
        String id = DeviceIds.random();
        registry().ensureOwner(owner);
        registry().createRpkDevice(id, owner, "rpk-" + id, keys.getPublic().getEncoded());
        return DeviceCredentials.rpk(id, keys.getPrivate().getEncoded(), keys.getPublic().getEncoded(),
                "127.0.0.1", coapAddress().getPort(), cloud.publicKeySpki());
    }

    /** Registers a PSK device of {@code owner} in the registry and returns its credential file. */
    public DeviceCredentials pskCredentials(String owner) {
        String id = DeviceIds.random();
        String psk = CloudKeys.newPsk();
        registry().ensureOwner(owner);
        registry().createPskDevice(id, owner, "psk-" + id, psk);
        return DeviceCredentials.psk(id, psk, "127.0.0.1", coapAddress().getPort(), cloud.publicKeySpki());
    }

    /**
     * A real SDK device, not connected yet: on virtual threads, with the cloud's limits and short timeouts (5 s
     * handshake, 10 s request), so failures surface quickly. Closed with the cloud.
     */
    public Device device(DeviceCredentials credentials) {
        return device(credentials, UnaryOperator.identity());
    }

    /** A real SDK device with {@code customize} applied over the defaults of {@link #device(DeviceCredentials)}. */
    public Device device(DeviceCredentials credentials, UnaryOperator<Device.Builder> customize) {
        Device device = customize.apply(Device.builder().credentials(credentials)
                .threadFactory(Thread.ofVirtual().factory())
                .handshakeTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(10))
                .limits(cloud.limits())).build();
        closeables.push(device);
        return device;
    }

    /** Registers a PSK device of {@code owner} and opens a Scandium stand-in device with its credentials. */
    public TestDevice pskDevice(String owner) {
        String id = DeviceIds.random();
        String psk = "secret-" + id;
        registry().ensureOwner(owner);
        registry().createPskDevice(id, owner, "psk device", psk);
        return track(TestDevice.psk(id, psk, coapAddress()));
    }

    /** Registers an RPK device of {@code owner} and opens a Scandium stand-in device with its key pair. */
    public TestDevice rpkDevice(String owner) {
        String id = DeviceIds.random();
        KeyPair keys = CloudKeys.generateP256();
        registry().ensureOwner(owner);
        registry().createRpkDevice(id, owner, "rpk device", keys.getPublic().getEncoded());
        return track(TestDevice.rpk(id, keys, cloud.publicKeySpki(), coapAddress()));
    }

    /** A stand-in device with credentials of its own, closed with the cloud; for devices the cloud must refuse. */
    public TestDevice track(TestDevice device) {
        closeables.push(device);
        return device;
    }

    @Override
    public void close() {
        for (AutoCloseable next = closeables.pollFirst(); next != null; next = closeables.pollFirst()) {
            try {
                next.close();
            } catch (Exception e) {
                // Best effort: whatever one part throws, the rest and the cloud still close.
            }
        }
        cloud.close();
        if (ownsDataDir) {
            deleteTree(dataDir);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A temp dir left behind is harmless; the test's outcome does not depend on it.
        }
    }

    /**
     * What the test cloud is made of. Defaults: SQLite in a temp dir the kit deletes on close, CoAP/DTLS on an
     * ephemeral port of 127.0.0.1, {@link Limits#DEFAULTS}, no HTTP API, and the {@link Cloud.Builder} defaults
     * for everything else ({@link #configure} reaches those).
     */
    public static final class Builder {
        private Path dataDir;
        private boolean memory;
        private Supplier<DeviceRegistry> registry;
        private Limits limits = Limits.DEFAULTS;
        private int coapPort;
        private boolean http;
        private UnaryOperator<Cloud.Builder> configure = UnaryOperator.identity();

        private Builder() {
        }

        /** SQLite files in {@code dir} (typically the test's {@code @TempDir}), which the test may open too. */
        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dir");
            this.memory = false;
            return this;
        }

        /**
         * Nothing on disk: the device registry of a {@link MemoryStorage}, and so no data dir, no integrations and no
         * access tokens. This is the switch for the {@code memory} storage: handing the cloud the whole
         * {@link MemoryStorage} instead would give it integrations and tokens in memory too.
         */
        public Builder memory() {
            this.memory = true;
            this.dataDir = null;
            if (registry == null) {
                registry = () -> MemoryStorage.open().registry();
            }
            return this;
        }

        /** A registry of the test's own in place of the storage's, such as one that fails on purpose. */
        public Builder registry(DeviceRegistry registry) {
            Objects.requireNonNull(registry, "registry");
            this.registry = () -> registry;
            return this;
        }

        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The CoAP/DTLS port; 0 (the default) picks a free one. */
        public Builder coapPort(int port) {
            this.coapPort = port;
            return this;
        }

        /** Serves the HTTP API on a free port of 127.0.0.1; {@link TestCloud#api()} talks to it. */
        public Builder http() {
            this.http = true;
            return this;
        }

        /** Any other cloud setting (alerting, admission, integrations, ...), applied after the kit's own. */
        public Builder configure(UnaryOperator<Cloud.Builder> more) {
            UnaryOperator<Cloud.Builder> before = configure;
            this.configure = b -> more.apply(before.apply(b));
            return this;
        }

        /** Builds and starts the cloud; a cloud that cannot start fails the test here. */
        public TestCloud start() {
            return new TestCloud(this);
        }
    }
}
