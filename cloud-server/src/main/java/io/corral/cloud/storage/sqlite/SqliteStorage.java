package io.corral.cloud.storage.sqlite;

import io.corral.cloud.integrations.queue.DeliveryQueue;
import io.corral.cloud.integrations.store.IntegrationStore;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.ops.IncidentStore;
import io.corral.cloud.ops.SqliteIncidentStore;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.registry.SqliteDeviceRegistry;
import io.corral.cloud.registry.SqliteTokenStore;
import io.corral.cloud.registry.TokenStore;
import io.corral.cloud.registry.SqliteUserStore;
import io.corral.cloud.registry.UserStore;
import io.corral.cloud.storage.CloseStack;
import io.corral.cloud.storage.Storage;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The embedded single-node storage, {@code sqlite:DIR}: the registry, tokens and users in {@code DIR/corral.db}, the
 * integrations and their queue in {@code DIR/integrations.db}, incidents in {@code DIR/ops.db}.
 * Each file is opened on first use, so {@code corral-cloud device list} never opens the queue.
 */
public final class SqliteStorage implements Storage {
    private final Path directory;
    private final SqliteIntegrationDatabase.Options queueOptions;
    private final ReentrantLock lock = new ReentrantLock();
    /** What was opened, newest first, so {@link #close()} closes in reverse order of opening. */
    private final CloseStack opened = new CloseStack();
    private SqliteDeviceRegistry registry;
    private SqliteTokenStore tokens;
    private SqliteUserStore users;
    private SqliteIntegrationDatabase integrationDatabase;
    private SqliteIncidentStore incidents;
    private boolean closed;

    private SqliteStorage(Path directory, SqliteIntegrationDatabase.Options queueOptions) {
        this.directory = directory.toAbsolutePath().normalize();
        this.queueOptions = queueOptions;
    }

    /** Storage in {@code directory}, created on first use; the queue with {@link SqliteIntegrationDatabase.Options#DEFAULTS}. */
    public static SqliteStorage open(Path directory) {
        return open(directory, SqliteIntegrationDatabase.Options.DEFAULTS);
    }

    /** Storage in {@code directory}, created on first use, its delivery queue tuned by {@code queueOptions}. */
    public static SqliteStorage open(Path directory, SqliteIntegrationDatabase.Options queueOptions) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(queueOptions, "queueOptions");
        return new SqliteStorage(directory, queueOptions);
    }

    @Override
    public DeviceRegistry registry() {
        return part("registry", () -> registry, () -> registry = SqliteDeviceRegistry.open(directory),
                () -> registry);
    }

    @Override
    public TokenStore tokens() {
        return part("token store", () -> tokens, () -> tokens = SqliteTokenStore.open(directory), () -> tokens);
    }

    @Override
    public UserStore users() {
        return part("user store", () -> users, () -> users = SqliteUserStore.open(directory), () -> users);
    }

    @Override
    public IntegrationStore integrations() {
        return integrationDatabase().integrations();
    }

    @Override
    public DeliveryQueue deliveryQueue() {
        return integrationDatabase().queue();
    }

    /**
     * The integrations database itself, for what only SQLite has: the outbox through which workers in other
     * processes ({@code corral-cloud worker}) hand their hook events to the node's bus.
     */
    public SqliteIntegrationDatabase integrationDatabase() {
        return part("integrations database", () -> integrationDatabase,
                () -> integrationDatabase = SqliteIntegrationDatabase.open(directory, queueOptions),
                () -> integrationDatabase::close);
    }

    @Override
    public IncidentStore incidents() {
        return part("incident store", () -> incidents, () -> incidents = SqliteIncidentStore.open(directory),
                () -> incidents);
    }

    @Override
    public Optional<Path> directory() {
        return Optional.of(directory);
    }

    @Override
    public String describe() {
        return "sqlite:" + directory;
    }

    /** Returns the part, opening it first if needed; {@code closer} is what {@link #close()} will close. */
    private <T> T part(String name, Supplier<T> current, Runnable openIt, Supplier<AutoCloseable> closer) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("storage " + describe() + " is closed");
            }
            if (current.get() == null) {
                openIt.run();
                opened.push(name + " of " + describe(), closer.get());
            }
            return current.get();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            opened.close(); // one part failing to close must not leave the others open
        } finally {
            lock.unlock();
        }
    }
}
