package io.corral.cloud.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.registry.DeviceRecord.CredentialType;
import io.corral.cloud.registry.RegistryException.Reason;
import io.corral.protocol.DeviceIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
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
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    private static void assertRejected(ThrowingCallable call, Reason reason, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.reason()).isEqualTo(reason)).hasMessage(message);
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
    void rpk_device_is_found_by_id_by_public_key_and_by_owner() {
        SqliteDeviceRegistry registry = open();
        registry.ensureOwner("alice");
        String id = DeviceIds.random();
        byte[] key = newKey();

        DeviceRecord created = registry.createRpkDevice(id, "alice", "kitchen", key);

        assertThat(created.credentialType()).isEqualTo(CredentialType.RPK);
        assertThat(created.lastSeen()).isNull();
        assertThat(registry.findById(id)).hasValueSatisfying(found -> {
            assertThat(found.owner()).isEqualTo("alice");
            assertThat(found.name()).isEqualTo("kitchen");
            assertThat(found.publicKeySpki()).isEqualTo(key);
            assertThat(found.psk()).isNull();
            assertThat(found.created()).isEqualTo(created.created());
        });
        assertThat(registry.findByPublicKey(key.clone())).map(DeviceRecord::id).hasValue(id);
        assertThat(registry.listByOwner("alice")).extracting(DeviceRecord::id).containsExactly(id);
    }

    @Test
    void psk_device_is_found_by_id_with_its_psk() {
        SqliteDeviceRegistry registry = open();
        registry.ensureOwner("bob");
        String id = DeviceIds.random();
        String psk = CloudKeys.newPsk();

        registry.createPskDevice(id, "bob", null, psk);

        assertThat(registry.findById(id)).hasValueSatisfying(found -> {
            assertThat(found.credentialType()).isEqualTo(CredentialType.PSK);
            assertThat(found.psk()).isEqualTo(psk);
            assertThat(found.publicKeySpki()).isNull();
            assertThat(found.name()).isNull();
        });
    }

    @Test
    void unknown_or_malformed_lookups_find_nothing() {
        SqliteDeviceRegistry registry = open();
        assertThat(registry.findById(DeviceIds.random())).isEmpty();
        assertThat(registry.findById("not-an-id")).isEmpty();
        assertThat(registry.findById(null)).isEmpty();
        assertThat(registry.findByPublicKey(newKey())).isEmpty();
        assertThat(registry.findByPublicKey(new byte[0])).isEmpty();
    }

    @Test
    void list_by_owner_returns_only_that_owners_devices_in_creation_order() {
        SqliteDeviceRegistry registry = open();
        registry.ensureOwner("alice");
        registry.ensureOwner("bob");
        String a1 = registry.createRpkDevice(DeviceIds.random(), "alice", "a1", newKey()).id();
        String b1 = registry.createPskDevice(DeviceIds.random(), "bob", "b1", CloudKeys.newPsk()).id();
        String a2 = registry.createPskDevice(DeviceIds.random(), "alice", "a2", CloudKeys.newPsk()).id();

        assertThat(registry.listByOwner("alice")).extracting(DeviceRecord::id).containsExactly(a1, a2);
        assertThat(registry.listByOwner("bob")).extracting(DeviceRecord::id).containsExactly(b1);
        assertThat(registry.listByOwner("carol")).isEmpty();
    }

    @Test
    void owners_are_created_once_and_listed_sorted() {
        SqliteDeviceRegistry registry = open();
        registry.ensureOwner("zed");
        registry.ensureOwner("amy@example.com");
        registry.ensureOwner("zed");

        assertThat(registry.owners()).containsExactly("amy@example.com", "zed");
    }

    @Test
    void a_public_key_registered_twice_is_rejected_naming_the_first_device() {
        SqliteDeviceRegistry registry = open();
        registry.ensureOwner("alice");
        byte[] key = newKey();
        String first = registry.createRpkDevice(DeviceIds.random(), "alice", null, key).id();
        String second = DeviceIds.random();

        assertRejected(() -> registry.createRpkDevice(second, "alice", null, key), Reason.CONFLICT,
                "public key is already registered to device " + first);
        assertThat(registry.findById(second)).isEmpty();
    }

    @Test
    void a_device_id_registered_twice_is_rejected() {
        SqliteDeviceRegistry registry = open();
        registry.ensureOwner("alice");
        String id = registry.createPskDevice(DeviceIds.random(), "alice", null, CloudKeys.newPsk()).id();

        assertRejected(() -> registry.createRpkDevice(id, "alice", null, newKey()), Reason.CONFLICT,
                "device id " + id + " is already registered");
    }

    @Test
    void a_device_of_an_unknown_owner_is_rejected() {
        SqliteDeviceRegistry registry = open();
        assertRejected(() -> registry.createPskDevice(DeviceIds.random(), "nobody", null, CloudKeys.newPsk()),
                Reason.NOT_FOUND, "unknown owner 'nobody'; create the owner first");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "ünïcode", "semi;colon",
            "a12345678901234567890123456789012345678901234567890123456789012345"})
    void malformed_owner_names_are_rejected_with_the_allowed_form(String owner) {
        SqliteDeviceRegistry registry = open();
        assertRejected(() -> registry.ensureOwner(owner), Reason.INVALID_INPUT,
                "owner name must be 1..64 characters of [A-Za-z0-9._@-], was '" + owner + "'");
        assertThat(registry.owners()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0123456789ABCDEF01234567", "0123456789abcdef0123456", "0123456789abcdef012345678",
            "0123456789abcdef0123456g"})
    void malformed_device_ids_are_rejected_with_the_allowed_form(String id) {
        SqliteDeviceRegistry registry = open();
        registry.ensureOwner("alice");
        assertRejected(() -> registry.createRpkDevice(id, "alice", null, newKey()), Reason.INVALID_INPUT,
                "device id must be 24 lowercase hex characters, was '" + id + "'");
        assertRejected(() -> registry.touchLastSeen(id, T0), Reason.INVALID_INPUT,
                "device id must be 24 lowercase hex characters, was '" + id + "'");
    }

    @Test
    void malformed_names_keys_and_psks_are_rejected_naming_the_field() throws Exception {
        SqliteDeviceRegistry registry = open();
        registry.ensureOwner("alice");
        String id = DeviceIds.random();

        assertRejected(() -> registry.createPskDevice(id, "alice", "tab\there", CloudKeys.newPsk()), Reason.INVALID_INPUT,
                "device name must be 1..64 characters without control characters, was 'tab\there'");
        assertRejected(() -> registry.createPskDevice(id, "alice", null, "short-secret"), Reason.INVALID_INPUT,
                "psk must be 16..64 printable ASCII characters without spaces, was 12 characters");
        // The tail of this message is the JDK's own parser error, which varies between JDK versions.
        assertThatThrownBy(() -> registry.createRpkDevice(id, "alice", null, new byte[] {1, 2}))
                .isInstanceOf(RegistryException.class)
                .hasMessageStartingWith("public key must be a P-256 SubjectPublicKeyInfo (DER): "
                        + "public key is not an EC SubjectPublicKeyInfo: ");
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"));
        byte[] p384Key = p384.generateKeyPair().getPublic().getEncoded();
        assertRejected(() -> registry.createRpkDevice(id, "alice", null, p384Key), Reason.INVALID_INPUT,
                "public key must be on curve P-256 (secp256r1), was an EC key of 384 bits on another curve");
        assertThat(registry.findById(id)).isEmpty();
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
    void changing_a_returned_key_array_does_not_change_the_registry() {
        SqliteDeviceRegistry registry = open();
        registry.ensureOwner("alice");
        byte[] key = newKey();
        String id = registry.createRpkDevice(DeviceIds.random(), "alice", null, key).id();

        registry.findById(id).orElseThrow().publicKeySpki()[10] ^= 1;

        assertThat(registry.findById(id).orElseThrow().publicKeySpki()).isEqualTo(key);
        assertThat(registry.findByPublicKey(key)).isPresent();
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
    void a_cloud_key_pair_whose_halves_do_not_match_is_rejected() {
        SqliteDeviceRegistry registry = open();
        KeyPair mixed = new KeyPair(CloudKeys.generateP256().getPublic(), CloudKeys.generateP256().getPrivate());

        assertRejected(() -> registry.storeCloudKeyPair(mixed), Reason.INVALID_INPUT,
                "cloud private key does not belong to the cloud public key");
        assertThat(registry.cloudKeyPair()).isEmpty();
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
