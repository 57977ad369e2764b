package io.corral.cloud.registry;

import static io.corral.cloud.registry.DeviceRegistryContract.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.registry.RegistryException.Reason;
import io.corral.protocol.DeviceIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the SQLite registry has: its file and schema, its cache, batched last-seen writes, other processes. */
class SqliteDeviceRegistryTest {
    private static final Instant T0 = Instant.parse("2025-01-02T03:04:05.678Z");

    @TempDir
    Path dataDir;

    private final List<SqliteDeviceRegistry> opened = new CopyOnWriteArrayList<>(); // some tests open from several threads

    @AfterEach
    void closeAll() {
        opened.forEach(SqliteDeviceRegistry::close);
    }

    private SqliteDeviceRegistry open() {
        SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(dataDir);
        opened.add(registry);
        return registry;
    }

    private SqliteDeviceRegistry reopen(SqliteDeviceRegistry registry) {
        registry.close();
        return open();
    }

    private static byte[] newKey() {
        return CloudKeys.generateP256().getPublic().getEncoded();
    }

    @Test
    void open_creates_the_database_in_wal_mode_with_the_current_schema_version() throws SQLException {
        open();

        Path file = dataDir.resolve("corral.db");
        assertThat(file).isRegularFile();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            assertThat(single(s, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(single(s, "SELECT version FROM schema_version")).isEqualTo(String.valueOf(RegistrySchema.LATEST_VERSION));
            assertThat(single(s, "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'devices' ORDER BY name)"))
                    .contains("devices_by_public_key", "devices_by_owner");
        }
    }

    @Test
    void open_creates_a_missing_data_dir_readable_by_its_owner_only() throws Exception {
        Path nested = dataDir.resolve("a/b");
        try (SqliteDeviceRegistry ignored = SqliteDeviceRegistry.open(nested)) {
            assertThat(Files.getPosixFilePermissions(nested.resolve("corral.db")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
        }
    }

    @Test
    void open_fails_with_the_path_when_the_data_dir_is_a_file() throws Exception {
        Path notADir = Files.writeString(dataDir.resolve("plain"), "x");
        assertRejected(() -> SqliteDeviceRegistry.open(notADir), Reason.STORAGE,
                "cannot create data dir " + notADir + ": " + notADir + " exists and is not a directory");
    }

    @Test
    void open_refuses_a_database_from_a_newer_build() throws SQLException {
        open().close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("corral.db"));
             Statement s = c.createStatement()) {
            s.execute("UPDATE schema_version SET version = 99");
        }
        assertRejected(() -> SqliteDeviceRegistry.open(dataDir), Reason.STORAGE,
                dataDir.resolve("corral.db") + " has schema version 99, newer than this build understands ("
                        + RegistrySchema.LATEST_VERSION + "); use a newer corral-cloud");
    }

    @Test
    void two_registries_opening_a_fresh_data_dir_at_once_both_get_the_schema() throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            List<Future<SqliteDeviceRegistry>> openings = List.of(pool.submit(this::open), pool.submit(this::open));
            for (Future<SqliteDeviceRegistry> opening : openings) {
                SqliteDeviceRegistry registry = opening.get();
                registry.ensureOwner("alice");
                assertThat(registry.owners()).containsExactly("alice");
            }
        }
    }

    @Test
    void touch_is_visible_at_once_keeps_the_latest_time_and_is_written_on_flush() throws SQLException {
        SqliteDeviceRegistry registry = open();
        registry.ensureOwner("alice");
        String id = registry.createRpkDevice(DeviceIds.random(), "alice", null, newKey()).id();

        registry.touchLastSeen(id, T0.plusSeconds(10));
        registry.touchLastSeen(id, T0); // late arrival of an older hello must not move the time back

        assertThat(registry.findById(id)).map(DeviceRecord::lastSeen).hasValue(T0.plusSeconds(10));
        assertThat(registry.listByOwner("alice")).extracting(DeviceRecord::lastSeen).containsExactly(T0.plusSeconds(10));
        assertThat(lastSeenOnDisk(id)).isNull();

        registry.flushLastSeen();

        assertThat(lastSeenOnDisk(id)).isEqualTo(T0.plusSeconds(10).toEpochMilli());
    }

    @Test
    void touch_of_an_uncached_device_shows_in_the_next_lookup() {
        SqliteDeviceRegistry writer = open();
        writer.ensureOwner("alice");
        String id = writer.createPskDevice(DeviceIds.random(), "alice", null, CloudKeys.newPsk()).id();
        SqliteDeviceRegistry reader = open(); // a second instance: nothing cached yet

        reader.touchLastSeen(id, T0);

        assertThat(reader.findById(id)).map(DeviceRecord::lastSeen).hasValue(T0);
    }

    @Test
    void last_seen_times_survive_close_and_reopen() {
        SqliteDeviceRegistry registry = open();
        registry.ensureOwner("alice");
        String id = registry.createPskDevice(DeviceIds.random(), "alice", null, CloudKeys.newPsk()).id();
        registry.touchLastSeen(id, T0);

        SqliteDeviceRegistry reopened = reopen(registry);

        assertThat(reopened.findById(id)).map(DeviceRecord::lastSeen).hasValue(T0);
    }

    @Test
    void devices_and_owners_survive_close_and_reopen() {
        SqliteDeviceRegistry registry = open();
        registry.ensureOwner("alice");
        byte[] key = newKey();
        DeviceRecord rpk = registry.createRpkDevice(DeviceIds.random(), "alice", "one", key);
        DeviceRecord psk = registry.createPskDevice(DeviceIds.random(), "alice", "two", CloudKeys.newPsk());

        SqliteDeviceRegistry reopened = reopen(registry);

        assertThat(reopened.owners()).containsExactly("alice");
        assertThat(reopened.findByPublicKey(key)).map(DeviceRecord::id).hasValue(rpk.id());
        assertThat(reopened.findById(psk.id())).map(DeviceRecord::psk).hasValue(psk.psk());
        assertThat(reopened.listByOwner("alice")).extracting(DeviceRecord::id, DeviceRecord::name, DeviceRecord::created)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(rpk.id(), "one", rpk.created()),
                        org.assertj.core.groups.Tuple.tuple(psk.id(), "two", psk.created()));
    }

    @Test
    void a_device_registered_by_another_process_is_found_by_a_running_registry() {
        SqliteDeviceRegistry running = open();
        byte[] key = newKey();
        assertThat(running.findByPublicKey(key)).isEmpty(); // a miss must not be remembered

        SqliteDeviceRegistry cli = open();
        cli.ensureOwner("alice");
        String id = cli.createRpkDevice(DeviceIds.random(), "alice", null, key).id();

        assertThat(running.findByPublicKey(key)).map(DeviceRecord::id).hasValue(id);
    }

    @Test
    void cloud_key_pair_is_stored_once_and_survives_reopen() {
        SqliteDeviceRegistry registry = open();
        assertThat(registry.cloudKeyPair()).isEmpty();
        KeyPair pair = CloudKeys.generateP256();

        registry.storeCloudKeyPair(pair);

        assertThatThrownBy(() -> registry.storeCloudKeyPair(CloudKeys.generateP256()))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT))
                .hasMessageStartingWith("the cloud key pair already exists in " + dataDir.resolve("corral.db"))
                .hasMessageEndingWith("; it is created only once");
        KeyPair reloaded = reopen(registry).cloudKeyPair().orElseThrow();
        assertThat(reloaded.getPublic().getEncoded()).isEqualTo(pair.getPublic().getEncoded());
        assertThat(reloaded.getPrivate().getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
    }

    @Test
    void concurrent_lookups_and_touches_all_see_every_device() throws Exception {
        SqliteDeviceRegistry registry = open();
        registry.ensureOwner("fleet");
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] key = newKey();
            registry.createRpkDevice(DeviceIds.random(), "fleet", null, key);
            keys.add(key);
        }
        SqliteDeviceRegistry handshakes = open(); // a fresh instance, so the threads race to fill its cache

        List<Future<Integer>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    int found = 0;
                    for (int i = 0; i < 200; i++) {
                        byte[] key = keys.get((i + offset) % keys.size());
                        DeviceRecord device = handshakes.findByPublicKey(key).orElseThrow();
                        handshakes.touchLastSeen(device.id(), T0.plusMillis(i));
                        found += handshakes.findById(device.id()).isPresent() ? 1 : 0;
                    }
                    return found;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(200);
            }
        }
        handshakes.flushLastSeen();
        assertThat(handshakes.listByOwner("fleet")).allSatisfy(d -> assertThat(d.lastSeen()).isNotNull());
    }

    @Test
    void a_closed_registry_refuses_calls() {
        SqliteDeviceRegistry registry = open();
        registry.close();
        registry.close(); // idempotent

        assertThatThrownBy(registry::owners).isInstanceOf(IllegalStateException.class)
                .hasMessage("registry " + dataDir.resolve("corral.db") + " is closed");
    }

    private Long lastSeenOnDisk(String id) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("corral.db"));
             Statement s = c.createStatement()) {
            String value = single(s, "SELECT last_seen FROM devices WHERE id = '" + id + "'");
            return value == null ? null : Long.valueOf(value);
        }
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from %s", sql).isTrue();
            return rs.getString(1);
        }
    }
}
