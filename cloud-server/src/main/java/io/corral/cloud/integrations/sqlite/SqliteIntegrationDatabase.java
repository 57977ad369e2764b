package io.corral.cloud.integrations.sqlite;

import io.corral.cloud.events.Event;
import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.IntegrationException.Reason;
import io.corral.cloud.integrations.Ranges;
import io.corral.cloud.integrations.queue.DeliveryQueue;
import io.corral.cloud.integrations.store.IntegrationStore;
import io.corral.cloud.ops.Periodic;
import io.corral.cloud.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The embedded home of integrations and their delivery queue: one SQLite file, {@code DATA_DIR/integrations.db},
 * in WAL mode. It offers the {@link #queue() DeliveryQueue} and the {@link #integrations() IntegrationStore}.
 *
 * <pre>{@code
 * try (SqliteIntegrationDatabase db = SqliteIntegrationDatabase.open(Path.of("corral-data"), Options.DEFAULTS)) {
 *     Integration hook = db.integrations().create("alice", spec);
 *     db.queue().enqueue(event, List.of(hook.id())).join();      // durable once this returns
 * }
 * }</pre>
 *
 * <p><b>Why a file of its own</b> rather than a table in the registry's {@code corral.db}: SQLite has one writer
 * per file. The queue writes on every published event and every delivery, thousands of times a second; the
 * registry writes rarely but sits on the handshake path. Separate files keep a burst of deliveries from ever
 * making a handshake or a device registration wait for the write lock, and let each file have the sync setting
 * it needs. Integrations live here, not in the registry, so that pausing or deleting one changes its deliveries in
 * the same transaction, and a separate worker process ({@code corral-cloud worker}) needs this file only.
 *
 * <p><b>Writes</b> go through one writer thread that commits whatever has piled up in one transaction (group
 * commit); with {@code synchronous=FULL}, the default, a commit is on disk, not only in the OS, before any caller
 * hears of it. <b>Reads</b> use a second connection, which WAL lets run alongside the writer.
 *
 * <p>Several processes may open the same file: they take turns on SQLite's write lock, waiting up to the busy
 * timeout. Thread-safe.
 */
public final class SqliteIntegrationDatabase implements AutoCloseable {
    /** The database file's name inside the data dir. */
    public static final String DATABASE_FILE = "integrations.db";

    private static final Logger log = LoggerFactory.getLogger(SqliteIntegrationDatabase.class);

    private final Path file;
    private final Options options;
    private final Clock clock;
    private final Connection writeConnection;
    private final Connection readConnection;
    private final ReentrantLock readLock = new ReentrantLock();
    private final GroupCommitter writer;
    private final SqliteDeliveryQueue queue;
    private final SqliteIntegrationStore store;
    private final List<Runnable> enqueueListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService janitor;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set by a commit that added deliveries; read and cleared after it, on the writer thread only. */
    private boolean deliveriesAdded;

    private SqliteIntegrationDatabase(Path file, Options options, Clock clock, Connection writeConnection,
                                      Connection readConnection) {
        this.file = file;
        this.options = options;
        this.clock = clock;
        this.writeConnection = writeConnection;
        this.readConnection = readConnection;
        this.writer = new GroupCommitter(file.toString(), writeConnection, options.maxBatch, options.maxPending,
                options.linger, this::afterCommit);
        this.queue = new SqliteDeliveryQueue(this);
        this.store = new SqliteIntegrationStore(this);
        this.janitor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("corral-queue-janitor").daemon().factory());
        Periodic.withFixedDelay(janitor, "queue-janitor", Duration.ofSeconds(5), this::trimAttempts);
        Periodic.withFixedDelay(janitor, "queue-wal-checkpoint", SqliteFiles.CHECKPOINT_INTERVAL, this::checkpoint);
    }

    /** Opens (creating where missing) {@code dataDir/integrations.db} with {@link Options#DEFAULTS}. */
    public static SqliteIntegrationDatabase open(Path dataDir) {
        return open(dataDir, Options.DEFAULTS);
    }

    /**
     * Opens (creating where missing) {@code dataDir/integrations.db}, readable by the current user only where the
     * file system allows it (it holds webhook and broker credentials), and brings its schema up to date.
     *
     * @throws IntegrationException STORAGE if the directory or the database cannot be used
     */
    public static SqliteIntegrationDatabase open(Path dataDir, Options options) {
        return open(dataDir, options, Clock.systemUTC());
    }

    static SqliteIntegrationDatabase open(Path dataDir, Options options, Clock clock) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(options, "options");
        Path file = dataDir.resolve(DATABASE_FILE);
        try {
            SqliteFiles.createPrivately(dataDir, file);
        } catch (IOException e) {
            throw new IntegrationException(Reason.STORAGE, "cannot create " + file + ": " + e, e);
        }
        Connection write = null;
        Connection read = null;
        try {
            write = config(options).createConnection("jdbc:sqlite:" + file);
            try (Statement pragma = write.createStatement()) {
                // Checkpoints copy the WAL into the database and sync it; every 4,000 pages (16 MiB) rather than
                // SQLite's 1,000 keeps them off most commits of a busy queue.
                pragma.execute("PRAGMA wal_autocheckpoint = 4000");
            }
            int found = QueueSchema.migrate(write, file);
            if (found > 0 && found < QueueSchema.LATEST_VERSION) {
                log.info("{}: schema upgraded from version {} to {}", file, found, QueueSchema.LATEST_VERSION);
            }
            read = config(options).createConnection("jdbc:sqlite:" + file);
            return new SqliteIntegrationDatabase(file, options, clock, write, read);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(read);
            closeQuietly(write);
            if (e instanceof IntegrationException integrationException) {
                throw integrationException;
            }
            throw new IntegrationException(Reason.STORAGE, "cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    private static SQLiteConfig config(Options options) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(options.synchronous == Synchronous.FULL ? SQLiteConfig.SynchronousMode.FULL
                : SQLiteConfig.SynchronousMode.NORMAL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout((int) options.busyTimeout.toMillis());
        // The WAL file shrinks back to this after a checkpoint, so a burst does not leave a huge file behind.
        config.setPragma(SQLiteConfig.Pragma.JOURNAL_SIZE_LIMIT, Long.toString(SqliteFiles.JOURNAL_SIZE_LIMIT));
        config.setCacheSize(-16_384);
        // Nothing here reads generated keys; without this, sqlite-jdbc asks for them after every insert.
        config.setGetGeneratedKeys(false);
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        return config;
    }

    /** The durable delivery queue. */
    public DeliveryQueue queue() {
        return queue;
    }

    /** The integrations, in the same file as their deliveries. */
    public IntegrationStore integrations() {
        return store;
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    public Options options() {
        return options;
    }

    /** Transactions committed and units of work in them since open, for the stats: their ratio is the batch size. */
    public long commits() {
        return writer.commits();
    }

    public long unitsCommitted() {
        return writer.unitsCommitted();
    }

    /**
     * Stores an event for the cloud process to put on its bus: how a worker in another process sends
     * {@code hook-sent}, {@code hook-response} and {@code hook-error} events. Committed with the next group.
     */
    public CompletableFuture<Void> appendToOutbox(Event event) {
        return writer.submit(c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO outbox (id, name, data, content_format, "
                    + "ttl, published_at, device_id, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                SqliteDeliveryQueue.bindEvent(insert, 1, event);
                insert.executeUpdate();
            }
            return null;
        }, false);
    }

    /** Takes up to {@code max} events out of the outbox, oldest first; a quick read first, so an empty box costs no write. */
    public List<Event> takeFromOutbox(int max) {
        boolean any = read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM outbox)");
                 ResultSet rs = select.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        });
        if (!any) {
            return List.of();
        }
        return writer.submit(c -> {
            // RETURNING gives rows in no promised order; the seq puts them back in publish order.
            TreeMap<Long, Event> bySeq = new TreeMap<>();
            try (PreparedStatement take = c.prepareStatement("DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox"
                    + " ORDER BY seq LIMIT ?) RETURNING seq, id, name, data, content_format, ttl, published_at,"
                    + " device_id, owner")) {
                take.setInt(1, max);
                try (ResultSet rs = take.executeQuery()) {
                    while (rs.next()) {
                        bySeq.put(rs.getLong("seq"), SqliteDeliveryQueue.readEvent(rs));
                    }
                }
            }
            return List.copyOf(bySeq.values());
        }, false).join();
    }

    /** Stops the janitor, commits what is queued, and closes the file. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        janitor.shutdownNow();
        writer.close();
        readLock.lock();
        try {
            closeQuietly(readConnection);
        } finally {
            readLock.unlock();
        }
        closeQuietly(writeConnection);
    }

    // ---- for the queue and the store ----

    Clock clock() {
        return clock;
    }

    Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    <T> CompletableFuture<T> write(GroupCommitter.Work<T> work, boolean bounded) {
        return writer.submit(work, bounded);
    }

    /** Runs a write and waits for its commit; for operations people start (create, pause, replay). */
    <T> T writeAndWait(GroupCommitter.Work<T> work) {
        try {
            return writer.submit(work, false).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IntegrationException ie) {
                throw ie;
            }
            throw new IntegrationException(Reason.STORAGE, file + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    <T> T read(GroupCommitter.Work<T> work) {
        readLock.lock();
        try {
            if (closed.get()) {
                throw new IntegrationException(Reason.STORAGE, file + " is closed");
            }
            return work.run(readConnection);
        } catch (SQLException e) {
            throw new IntegrationException(Reason.STORAGE, file + ": " + e.getMessage(), e);
        } finally {
            readLock.unlock();
        }
    }

    /** Called inside a write unit that added deliveries; the listeners run after its commit. */
    void markDeliveriesAdded() {
        deliveriesAdded = true;
    }

    void addEnqueueListener(Runnable listener) {
        enqueueListeners.add(listener);
    }

    private void afterCommit() {
        if (deliveriesAdded) {
            deliveriesAdded = false;
            enqueueListeners.forEach(Runnable::run);
        }
    }

    /** Checkpoints and truncates the WAL; see {@link SqliteFiles#checkpoint}. */
    public boolean checkpoint() {
        try {
            return read(SqliteFiles::checkpoint);
        } catch (IntegrationException e) {
            if (!closed.get()) {
                log.debug("{}: WAL checkpoint failed, trying again later: {}", file, e.getMessage());
            }
            return false;
        }
    }

    /** Keeps the attempts log at {@link Options#attemptsKept} rows per integration. */
    private void trimAttempts() {
        try {
            List<String> ids = read(c -> {
                List<String> found = new ArrayList<>();
                try (PreparedStatement select = c.prepareStatement("SELECT DISTINCT integration_id FROM attempts");
                     ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getString(1));
                    }
                }
                return found;
            });
            for (String id : ids) {
                write(c -> {
                    try (PreparedStatement trim = c.prepareStatement("DELETE FROM attempts WHERE integration_id = ?"
                            + " AND id <= (SELECT id FROM attempts WHERE integration_id = ? ORDER BY id DESC"
                            + " LIMIT 1 OFFSET ?)")) {
                        trim.setString(1, id);
                        trim.setString(2, id);
                        trim.setInt(3, options.attemptsKept);
                        return trim.executeUpdate();
                    }
                }, false).join();
            }
        } catch (RuntimeException e) {
            if (!closed.get()) {
                log.warn("{}: trimming the attempts log failed: {}", file, e.getMessage());
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            log.warn("closing the integrations database failed: {}", e.getMessage());
        }
    }

    /** How commits reach the disk. */
    public enum Synchronous {
        /** Every commit is synced to disk before it completes: survives a power cut. The default. */
        FULL,
        /**
         * Commits are synced at WAL checkpoints only: survives a process crash ({@code kill -9}) but a power cut
         * may lose the last commits. Faster on slow disks.
         */
        NORMAL;

        static Synchronous parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * Settings of the database. Defaults ({@link #DEFAULTS}):
     * <ul>
     *   <li>{@code synchronous}: {@link Synchronous#FULL}</li>
     *   <li>{@code maxBatch}: 2,000 units of work per transaction, in [1, 100,000]</li>
     *   <li>{@code maxPending}: 100,000 appends waiting for a commit, in [1, 10,000,000]; beyond it a publish is
     *       answered 5.03 (retry later) instead of growing memory without bound</li>
     *   <li>{@code linger}: 0, in [0, 100 ms]: how long the writer waits for company before a commit; zero still
     *       batches everything that arrives while the previous commit syncs</li>
     *   <li>{@code busyTimeout}: 10 s, in [100 ms, 5 min]: how long to wait for another process's write lock</li>
     *   <li>{@code attemptsKept}: 100 attempts per integration in the log, in [1, 100,000]</li>
     * </ul>
     */
    public static final class Options {
        public static final Options DEFAULTS = builder().build();

        private final Synchronous synchronous;
        private final int maxBatch;
        private final int maxPending;
        private final Duration linger;
        private final Duration busyTimeout;
        private final int attemptsKept;

        private Options(Builder b) {
            this.synchronous = b.synchronous;
            this.maxBatch = b.maxBatch;
            this.maxPending = b.maxPending;
            this.linger = b.linger;
            this.busyTimeout = b.busyTimeout;
            this.attemptsKept = b.attemptsKept;
        }

        public static Builder builder() {
            return new Builder();
        }

        public Synchronous synchronous() {
            return synchronous;
        }

        public int maxBatch() {
            return maxBatch;
        }

        public int maxPending() {
            return maxPending;
        }

        public Duration linger() {
            return linger;
        }

        /** Attempts kept per integration in the log; the in-memory queue keeps as many. */
        public int attemptsKept() {
            return attemptsKept;
        }

        @Override
        public String toString() {
            return "synchronous=" + synchronous + ", maxBatch=" + maxBatch + ", maxPending=" + maxPending
                    + ", linger=" + linger.toMillis() + "ms";
        }

        /** Builds {@link Options}; see the class for defaults and ranges. */
        public static final class Builder {
            private Synchronous synchronous = Synchronous.FULL;
            private int maxBatch = 2_000;
            private int maxPending = 100_000;
            private Duration linger = Duration.ZERO;
            private Duration busyTimeout = Duration.ofSeconds(10);
            private int attemptsKept = 100;

            private Builder() {
            }

            public Builder synchronous(Synchronous synchronous) {
                this.synchronous = synchronous;
                return this;
            }

            public Builder maxBatch(int maxBatch) {
                this.maxBatch = maxBatch;
                return this;
            }

            public Builder maxPending(int maxPending) {
                this.maxPending = maxPending;
                return this;
            }

            public Builder linger(Duration linger) {
                this.linger = linger;
                return this;
            }

            public Builder busyTimeout(Duration busyTimeout) {
                this.busyTimeout = busyTimeout;
                return this;
            }

            public Builder attemptsKept(int attemptsKept) {
                this.attemptsKept = attemptsKept;
                return this;
            }

            /** @throws IllegalArgumentException naming the bad setting and its range */
            public Options build() {
                if (synchronous == null) {
                    throw new IllegalArgumentException("synchronous must be FULL or NORMAL, was null");
                }
                Ranges.check("maxBatch", maxBatch, 1, 100_000);
                Ranges.check("maxPending", maxPending, 1, 10_000_000);
                Ranges.check("linger", linger, Duration.ZERO, Duration.ofMillis(100));
                Ranges.check("busyTimeout", busyTimeout, Duration.ofMillis(100), Duration.ofMinutes(5));
                Ranges.check("attemptsKept", attemptsKept, 1, 100_000);
                return new Options(this);
            }
        }
    }
}
