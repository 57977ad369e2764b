package io.corral.cloud.registry;

import io.corral.cloud.ops.Periodic;
import io.corral.cloud.registry.DeviceRecord.CredentialType;
import io.corral.cloud.registry.RegistryException.Reason;
import io.corral.protocol.DeviceIds;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link DeviceRegistry}: one SQLite file, {@code DATA_DIR/corral.db}, in WAL mode, so the
 * running cloud reads while {@code corral-cloud device create} writes from another process.
 *
 * <pre>{@code
 * try (DeviceRegistry registry = SqliteDeviceRegistry.open(Path.of("data"))) {
 *     registry.ensureOwner("alice");
 *     registry.createPskDevice(DeviceIds.random(), "alice", "kitchen", CloudKeys.newPsk());
 *     registry.listByOwner("alice").forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p>Thread-safe. One connection serves all threads behind a {@link ReentrantLock}; the lookups the DTLS
 * handshake makes ({@link #findById}, {@link #findByPublicKey}) are answered from an in-memory cache once a
 * device has been seen, so a reconnect storm does not queue on that lock. Only devices that exist are cached:
 * a device registered by another process is found on its first handshake. {@link #touchLastSeen} only records
 * the time in memory; a background thread writes the latest time per device once a second in one transaction,
 * and {@link #close()} writes what is left. A crash can lose at most that last second of last-seen times.
 */
public final class SqliteDeviceRegistry implements DeviceRegistry {
    /** The database file's name inside the data dir. */
    public static final String DATABASE_FILE = "corral.db";

    static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);
    /** Beyond this many cached devices the cache starts over; keeps memory bounded for very large fleets. */
    static final int MAX_CACHED_DEVICES = 200_000;

    private static final Logger log = LoggerFactory.getLogger(SqliteDeviceRegistry.class);
    private static final String DEVICE_COLUMNS =
            "id, owner, name, credential_type, public_key, psk, created, last_seen";

    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, DeviceRecord> cacheById = new ConcurrentHashMap<>();
    private final Map<Spki, String> cacheIdByKey = new ConcurrentHashMap<>();
    /** Latest last-seen time per device not yet written to the database. */
    private final Map<String, Instant> pendingLastSeen = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;
    /** Written once and never changed, so it can be cached for good once read. */
    private volatile KeyPair cloudKeyPair;

    private SqliteDeviceRegistry(Path file, Connection connection, Duration flushInterval) {
        this.file = file;
        this.connection = connection;
        this.flusher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("corral-registry-flush").daemon().factory());
        Periodic.withFixedDelay(flusher, "registry-flush", flushInterval, this::flushInBackground);
    }

    /**
     * Opens the registry in {@code dataDir}, creating the directory, the database file and the schema if they
     * are missing, and upgrading an older schema. The directory and the file are made readable by the current
     * user only where the file system allows it: the file holds PSKs and the cloud's private key.
     *
     * @throws RegistryException with reason {@code STORAGE} if the directory or database cannot be used
     */
    public static SqliteDeviceRegistry open(Path dataDir) {
        return open(dataDir, DEFAULT_FLUSH_INTERVAL);
    }

    static SqliteDeviceRegistry open(Path dataDir, Duration flushInterval) {
        SqliteDatabase.Opened opened = SqliteDatabase.open(dataDir);
        return new SqliteDeviceRegistry(opened.file(), opened.connection(), flushInterval);
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    @Override
    public void ensureOwner(String owner) {
        RegistryInputs.owner(owner);
        write(c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO owners (name, created) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
                insert.setString(1, owner);
                insert.setLong(2, now().toEpochMilli());
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<String> owners() {
        return read(c -> {
            List<String> owners = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT name FROM owners ORDER BY name");
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    owners.add(rs.getString(1));
                }
            }
            return List.copyOf(owners);
        });
    }

    @Override
    public DeviceRecord createRpkDevice(String deviceId, String owner, String name, byte[] publicKeySpki) {
        return insert(RegistryInputs.rpkDevice(deviceId, owner, name, publicKeySpki, now()));
    }

    @Override
    public DeviceRecord createPskDevice(String deviceId, String owner, String name, String psk) {
        return insert(RegistryInputs.pskDevice(deviceId, owner, name, psk, now()));
    }

    /** {@inheritDoc} A string that is not a valid device id finds nothing (PSK identities come off the wire). */
    @Override
    public Optional<DeviceRecord> findById(String deviceId) {
        if (!DeviceIds.isValid(deviceId)) {
            return Optional.empty();
        }
        DeviceRecord cached = cacheById.get(deviceId);
        if (cached != null) {
            return Optional.of(copy(cached));
        }
        return loadAndCache("id", deviceId);
    }

    @Override
    public Optional<DeviceRecord> findByPublicKey(byte[] publicKeySpki) {
        if (publicKeySpki == null || publicKeySpki.length == 0) {
            return Optional.empty();
        }
        String id = cacheIdByKey.get(new Spki(publicKeySpki));
        DeviceRecord cached = id == null ? null : cacheById.get(id);
        if (cached != null) {
            return Optional.of(copy(cached));
        }
        return loadAndCache("public_key", publicKeySpki);
    }

    /** {@inheritDoc} An owner that does not exist has no devices. */
    @Override
    public List<DeviceRecord> listByOwner(String owner) {
        RegistryInputs.owner(owner);
        return read(c -> {
            List<DeviceRecord> devices = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT " + DEVICE_COLUMNS + " FROM devices WHERE owner = ? ORDER BY created, rowid")) {
                select.setString(1, owner);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        devices.add(withPendingLastSeen(readDevice(rs)));
                    }
                }
            }
            return List.copyOf(devices);
        });
    }

    /**
     * {@inheritDoc} Lock-free: the time goes to memory at once (so {@link #findById} reports it) and to the
     * database with the next background write. An id that is not registered is ignored.
     */
    @Override
    public void touchLastSeen(String deviceId, Instant at) {
        RegistryInputs.deviceId(deviceId);
        Objects.requireNonNull(at, "at");
        if (closing.get()) {
            throw new IllegalStateException("registry " + file + " is closed");
        }
        Instant millis = at.truncatedTo(ChronoUnit.MILLIS);
        // Order matters for loadAndCache: record the time first, then update a cached record, if any.
        pendingLastSeen.merge(deviceId, millis, SqliteDeviceRegistry::later);
        cacheById.computeIfPresent(deviceId, (id, record) -> withLastSeen(record, millis));
    }

    @Override
    public Optional<KeyPair> cloudKeyPair() {
        KeyPair cached = cloudKeyPair;
        if (cached != null) {
            return Optional.of(cached);
        }
        KeyPair stored = read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT private, public FROM cloud_keys WHERE id = 1");
                 ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new KeyPair(CloudKeys.publicKeyFromSpki(rs.getBytes("public")),
                        CloudKeys.privateKeyFromPkcs8(rs.getBytes("private")));
            }
        });
        cloudKeyPair = stored;
        return Optional.ofNullable(stored);
    }

    @Override
    public void storeCloudKeyPair(KeyPair keyPair) {
        RegistryInputs.cloudKeyPair(keyPair);
        write(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT created FROM cloud_keys WHERE id = 1");
                 ResultSet rs = select.executeQuery()) {
                if (rs.next()) {
                    throw RegistryInputs.cloudKeyPairExists(file.toString(), Instant.ofEpochMilli(rs.getLong(1)));
                }
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO cloud_keys (id, private, public, created) VALUES (1, ?, ?, ?)")) {
                insert.setBytes(1, keyPair.getPrivate().getEncoded());
                insert.setBytes(2, keyPair.getPublic().getEncoded());
                insert.setLong(3, now().toEpochMilli());
                insert.executeUpdate();
            }
            return null;
        });
        cloudKeyPair = keyPair;
    }

    /** Writes the pending last-seen times, then closes the database. Idempotent. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        flusher.shutdown();
        try {
            if (!flusher.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("registry {}: last-seen writer did not stop within 10 s", file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            flushLastSeen();
        } catch (RuntimeException e) {
            log.warn("registry {}: could not write the last {} last-seen times: {}", file, pendingLastSeen.size(),
                    e.getMessage());
        }
        lock.lock();
        try {
            closed = true;
            SqliteDatabase.closeQuietly(connection);
        } finally {
            lock.unlock();
        }
    }

    /** Writes the pending last-seen times now, in one transaction; the background thread calls this. */
    void flushLastSeen() {
        if (pendingLastSeen.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            // Draining under the lock keeps loadAndCache from reading the database between drain and write,
            // which would cache a time older than the one in flight.
            Map<String, Instant> batch = new HashMap<>();
            for (String id : pendingLastSeen.keySet()) {
                Instant at = pendingLastSeen.remove(id);
                if (at != null) {
                    batch.put(id, at);
                }
            }
            try {
                write(c -> {
                    try (PreparedStatement update = c.prepareStatement(
                            "UPDATE devices SET last_seen = ? WHERE id = ? AND (last_seen IS NULL OR last_seen < ?)")) {
                        for (Map.Entry<String, Instant> entry : batch.entrySet()) {
                            long millis = entry.getValue().toEpochMilli();
                            update.setLong(1, millis);
                            update.setString(2, entry.getKey());
                            update.setLong(3, millis);
                            update.addBatch();
                        }
                        update.executeBatch();
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                // Put the times back so the next round retries them, unless newer ones arrived meanwhile.
                batch.forEach((id, at) -> pendingLastSeen.merge(id, at, SqliteDeviceRegistry::later));
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    private void flushInBackground() {
        try {
            flushLastSeen();
        } catch (RuntimeException e) {
            // Keep the schedule alive: a scheduled task that throws is never run again.
            log.warn("registry {}: writing last-seen times failed, will retry: {}", file, e.getMessage());
        }
    }

    /**
     * {@inheritDoc} Checks every device first, then inserts them all in one transaction with one batched
     * statement, so ten thousand devices take well under a second.
     */
    @Override
    public List<DeviceRecord> createDevices(String owner, List<NewDevice> devices) {
        List<DeviceRecord> records = RegistryInputs.newDevices(owner, devices, now());
        insertAll(owner, records);
        return records.stream().map(SqliteDeviceRegistry::copy).toList();
    }

    private DeviceRecord insert(DeviceRecord device) {
        insertAll(device.owner(), List.of(device));
        return copy(device);
    }

    /** Inserts devices of one owner in one transaction; errors name the device by index when there are several. */
    private void insertAll(String owner, List<DeviceRecord> devices) {
        write(c -> {
            if (!exists(c, "SELECT 1 FROM owners WHERE name = ?", owner)) {
                throw RegistryInputs.unknownOwner(owner);
            }
            try (PreparedStatement byId = c.prepareStatement("SELECT 1 FROM devices WHERE id = ?");
                 PreparedStatement byKey = c.prepareStatement("SELECT id FROM devices WHERE public_key = ?")) {
                for (int i = 0; i < devices.size(); i++) {
                    DeviceRecord device = devices.get(i);
                    String where = devices.size() == 1 ? "" : "devices[" + i + "]: ";
                    byId.setString(1, device.id());
                    try (ResultSet rs = byId.executeQuery()) {
                        if (rs.next()) {
                            throw RegistryInputs.idTaken(where, device.id());
                        }
                    }
                    if (device.publicKeySpki() != null) {
                        byKey.setBytes(1, device.publicKeySpki());
                        try (ResultSet rs = byKey.executeQuery()) {
                            if (rs.next()) {
                                throw RegistryInputs.keyTaken(where, rs.getString(1));
                            }
                        }
                    }
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO devices (" + DEVICE_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, NULL)")) {
                for (DeviceRecord device : devices) {
                    insert.setString(1, device.id());
                    insert.setString(2, device.owner());
                    insert.setString(3, device.name());
                    insert.setString(4, device.credentialType().name());
                    insert.setBytes(5, device.publicKeySpki());
                    insert.setString(6, device.psk());
                    insert.setLong(7, device.created().toEpochMilli());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
        devices.forEach(this::cache);
    }

    private Optional<DeviceRecord> loadAndCache(String column, Object value) {
        return Optional.ofNullable(read(c -> {
            DeviceRecord device;
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT " + DEVICE_COLUMNS + " FROM devices WHERE " + column + " = ?")) {
                if (value instanceof byte[] bytes) {
                    select.setBytes(1, bytes);
                } else {
                    select.setString(1, (String) value);
                }
                try (ResultSet rs = select.executeQuery()) {
                    device = rs.next() ? readDevice(rs) : null;
                }
            }
            if (device == null) {
                return null;
            }
            cache(device);
            // A touch that raced the read above either updated the cached record itself or left its time in
            // pendingLastSeen, which the flush cannot drain while we hold the lock; apply it after caching.
            Instant pending = pendingLastSeen.get(device.id());
            DeviceRecord current = pending == null ? null
                    : cacheById.computeIfPresent(device.id(), (id, record) -> withLastSeen(record, pending));
            return copy(current != null ? current : withPendingLastSeen(device));
        }));
    }

    private void cache(DeviceRecord device) {
        if (cacheById.size() >= MAX_CACHED_DEVICES) {
            // Crude but correct: the cache only holds devices that exist, so dropping it costs reads, not answers.
            cacheById.clear();
            cacheIdByKey.clear();
        }
        cacheById.put(device.id(), device);
        if (device.publicKeySpki() != null) {
            cacheIdByKey.put(new Spki(device.publicKeySpki()), device.id());
        }
    }

    private DeviceRecord withPendingLastSeen(DeviceRecord device) {
        Instant pending = pendingLastSeen.get(device.id());
        return pending == null ? device : withLastSeen(device, pending);
    }

    private static DeviceRecord withLastSeen(DeviceRecord device, Instant at) {
        if (device.lastSeen() != null && !device.lastSeen().isBefore(at)) {
            return device;
        }
        return new DeviceRecord(device.id(), device.owner(), device.name(), device.credentialType(),
                device.publicKeySpki(), device.psk(), device.created(), at);
    }

    /** Callers get their own key array, so nobody can alter a cached record or its cache key. */
    private static DeviceRecord copy(DeviceRecord device) {
        if (device.publicKeySpki() == null) {
            return device;
        }
        return new DeviceRecord(device.id(), device.owner(), device.name(), device.credentialType(),
                device.publicKeySpki().clone(), device.psk(), device.created(), device.lastSeen());
    }

    private static DeviceRecord readDevice(ResultSet rs) throws SQLException {
        long lastSeen = rs.getLong("last_seen");
        boolean neverSeen = rs.wasNull();
        return new DeviceRecord(rs.getString("id"), rs.getString("owner"), rs.getString("name"),
                CredentialType.valueOf(rs.getString("credential_type")), rs.getBytes("public_key"),
                rs.getString("psk"), Instant.ofEpochMilli(rs.getLong("created")),
                neverSeen ? null : Instant.ofEpochMilli(lastSeen));
    }

    private static boolean exists(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            select.setString(1, parameter);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    private <T> T read(SqlWork<T> work) {
        lock.lock();
        try {
            requireOpen();
            return work.run(connection);
        } catch (SQLException e) {
            throw storageFailure(e);
        } finally {
            lock.unlock();
        }
    }

    private <T> T write(SqlWork<T> work) {
        lock.lock();
        try {
            requireOpen();
            return SqlWork.inWriteTransaction(connection, work);
        } catch (SQLException e) {
            throw storageFailure(e);
        } finally {
            lock.unlock();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("registry " + file + " is closed");
        }
    }

    private RegistryException storageFailure(SQLException e) {
        return new RegistryException(Reason.STORAGE, file + ": " + e.getMessage(), e);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** A public key as a map key: arrays compare by identity, keys must compare by content. */
    private record Spki(byte[] der) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Spki that && Arrays.equals(der, that.der);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(der);
        }

        @Override
        public String toString() {
            return "Spki[" + der.length + " bytes]";
        }
    }
}
