package io.corral.cloud.storage.memory;

import io.corral.cloud.integrations.queue.DeliveryQueue;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.integrations.store.IntegrationStore;
import io.corral.cloud.ops.IncidentStore;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.registry.TokenStore;
import io.corral.cloud.registry.UserStore;
import io.corral.cloud.storage.Storage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The storage setting {@code memory}: everything in this process's heap, nothing on disk. For demos, tests and
 * the simulator's managed cloud; everything is gone when the process ends.
 *
 * <pre>{@code
 * try (Storage storage = MemoryStorage.open()) {
 *     storage.registry().ensureOwner("alice");
 *     storage.tokens().create("alice", false, null);
 * }
 * }</pre>
 *
 * <p>The parts behave as the SQLite ones do, down to the input rules and error messages, and pass the same
 * contract tests: the registry, the token store and the user store share their owners, pausing or deleting an integration
 * changes its queued deliveries at once, and the delivery queue has the same leases, retries, dead letters and
 * replays. Two things differ by nature: "durably committed" means "held until the process ends", and nothing is
 * shared with other processes, so a {@code corral-cloud worker} cannot work this queue. Thread-safe.
 */
public final class MemoryStorage implements Storage {
    private final MemoryDeviceRegistry registry;
    private final MemoryTokenStore tokens;
    private final MemoryUserStore users;
    private final MemoryIntegrationStore integrations;
    private final MemoryDeliveryQueue queue;
    private final MemoryIncidentStore incidents;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MemoryStorage(SqliteIntegrationDatabase.Options queueOptions, Clock clock) {
        // Sorted, as owners() lists them; concurrent, since registry and token store add to it under their own locks.
        ConcurrentSkipListSet<String> owners = new ConcurrentSkipListSet<>();
        this.registry = new MemoryDeviceRegistry(owners);
        this.tokens = new MemoryTokenStore(owners);
        this.users = new MemoryUserStore(owners);
        ReentrantLock integrationsLock = new ReentrantLock();
        this.queue = new MemoryDeliveryQueue(integrationsLock, clock, queueOptions.attemptsKept());
        this.integrations = new MemoryIntegrationStore(integrationsLock, clock, queue);
        this.incidents = new MemoryIncidentStore();
    }

    /** An empty storage; its delivery queue keeps {@link SqliteIntegrationDatabase.Options#DEFAULTS}' attempts. */
    public static MemoryStorage open() {
        return open(SqliteIntegrationDatabase.Options.DEFAULTS);
    }

    /**
     * An empty storage. Of the queue options only {@code attemptsKept} applies: there is no commit to batch or
     * sync, so the others have nothing to tune.
     */
    public static MemoryStorage open(SqliteIntegrationDatabase.Options queueOptions) {
        return open(queueOptions, Clock.systemUTC());
    }

    /** With the clock that the queue and the integrations read, so tests can move time by hand. */
    static MemoryStorage open(SqliteIntegrationDatabase.Options queueOptions, Clock clock) {
        Objects.requireNonNull(queueOptions, "queueOptions");
        Objects.requireNonNull(clock, "clock");
        return new MemoryStorage(queueOptions, clock);
    }

    @Override
    public DeviceRegistry registry() {
        requireOpen();
        return registry;
    }

    @Override
    public TokenStore tokens() {
        requireOpen();
        return tokens;
    }

    @Override
    public UserStore users() {
        requireOpen();
        return users;
    }

    @Override
    public IntegrationStore integrations() {
        requireOpen();
        return integrations;
    }

    @Override
    public DeliveryQueue deliveryQueue() {
        requireOpen();
        return queue;
    }

    @Override
    public IncidentStore incidents() {
        requireOpen();
        return incidents;
    }

    /** Always empty: nothing is kept on disk, so a graceful stop has nowhere to save DTLS connections. */
    @Override
    public Optional<Path> directory() {
        return Optional.empty();
    }

    @Override
    public String describe() {
        return "memory";
    }

    /** Closes the parts in reverse order of opening; every later call on them fails. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            incidents.close();
            integrations.close();
            queue.close();
            users.close();
            tokens.close();
            registry.close();
        }
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("storage memory is closed");
        }
    }

    /** Record times at the millisecond, as the SQLite parts store them, so both answer alike. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
