package io.corral.cloud.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.registry.DeviceRecord.CredentialType;
import io.corral.cloud.registry.DeviceRegistry.NewDevice;
import io.corral.cloud.registry.RegistryException.Reason;
import io.corral.cloud.storage.Storage;
import io.corral.cloud.storage.StorageContract;
import io.corral.cloud.testkit.Race;
import io.corral.protocol.DeviceIds;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link DeviceRegistry} must do. An implementation's test extends this and opens its {@link Storage};
 * the tests use its {@link Storage#registry()}. What only one engine has (files, schema, caches) is tested beside it.
 *
 * <p>A registry has no revocation: devices are never deleted or disabled, so there is none to test here.
 */
public abstract class DeviceRegistryContract extends StorageContract {
    protected static final Instant T0 = Instant.parse("2025-01-02T03:04:05.678Z");

    protected DeviceRegistry registry;

    @BeforeEach
    void openRegistry() {
        registry = storage.registry();
    }

    protected static byte[] newKey() {
        return CloudKeys.generateP256().getPublic().getEncoded();
    }

    public static void assertRejected(ThrowingCallable call, Reason reason, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.reason()).isEqualTo(reason)).hasMessage(message);
    }

    private static void assertReason(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    // ---- devices: create and find ----

    @Test
    void rpk_device_is_found_by_id_by_public_key_and_by_owner() {
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
        assertThat(registry.findById(DeviceIds.random())).isEmpty();
        assertThat(registry.findById("not-an-id")).isEmpty();
        assertThat(registry.findById(null)).isEmpty();
        assertThat(registry.findByPublicKey(newKey())).isEmpty();
        assertThat(registry.findByPublicKey(new byte[0])).isEmpty();
    }

    @Test
    void list_by_owner_returns_only_that_owners_devices_in_creation_order() {
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
        registry.ensureOwner("zed");
        registry.ensureOwner("amy@example.com");
        registry.ensureOwner("zed");

        assertThat(registry.owners()).containsExactly("amy@example.com", "zed");
    }

    @Test
    void changing_a_returned_key_array_does_not_change_the_registry() {
        registry.ensureOwner("alice");
        byte[] key = newKey();
        String id = registry.createRpkDevice(DeviceIds.random(), "alice", null, key).id();

        registry.findById(id).orElseThrow().publicKeySpki()[10] ^= 1;

        assertThat(registry.findById(id).orElseThrow().publicKeySpki()).isEqualTo(key);
        assertThat(registry.findByPublicKey(key)).isPresent();
    }

    // ---- devices: what is refused ----

    @Test
    void a_public_key_registered_twice_is_rejected_naming_the_first_device() {
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
        registry.ensureOwner("alice");
        String id = registry.createPskDevice(DeviceIds.random(), "alice", null, CloudKeys.newPsk()).id();

        assertRejected(() -> registry.createRpkDevice(id, "alice", null, newKey()), Reason.CONFLICT,
                "device id " + id + " is already registered");
    }

    @Test
    void a_device_of_an_unknown_owner_is_rejected() {
        assertRejected(() -> registry.createPskDevice(DeviceIds.random(), "nobody", null, CloudKeys.newPsk()),
                Reason.NOT_FOUND, "unknown owner 'nobody'; create the owner first");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "ünïcode", "semi;colon",
            "a12345678901234567890123456789012345678901234567890123456789012345"})
    void malformed_owner_names_are_rejected_with_the_allowed_form(String owner) {
        assertRejected(() -> registry.ensureOwner(owner), Reason.INVALID_INPUT,
                "owner name must be 1..64 characters of [A-Za-z0-9._@-], was '" + owner + "'");
        assertThat(registry.owners()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0123456789ABCDEF01234567", "0123456789abcdef0123456", "0123456789abcdef012345678",
            "0123456789abcdef0123456g"})
    void malformed_device_ids_are_rejected_with_the_allowed_form(String id) {
        registry.ensureOwner("alice");
        assertRejected(() -> registry.createRpkDevice(id, "alice", null, newKey()), Reason.INVALID_INPUT,
                "device id must be 24 lowercase hex characters, was '" + id + "'");
        assertRejected(() -> registry.touchLastSeen(id, T0), Reason.INVALID_INPUT,
                "device id must be 24 lowercase hex characters, was '" + id + "'");
    }

    @Test
    void malformed_names_keys_and_psks_are_rejected_naming_the_field() throws Exception {
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

    // ---- last seen ----

    @Test
    void touch_is_visible_at_once_keeps_the_latest_time_and_ignores_unknown_devices() {
        registry.ensureOwner("alice");
        String id = registry.createRpkDevice(DeviceIds.random(), "alice", null, newKey()).id();

        registry.touchLastSeen(id, T0.plusSeconds(10));
        registry.touchLastSeen(id, T0); // late arrival of an older hello must not move the time back
        registry.touchLastSeen(DeviceIds.random(), T0);

        assertThat(registry.findById(id)).map(DeviceRecord::lastSeen).hasValue(T0.plusSeconds(10));
        assertThat(registry.listByOwner("alice")).extracting(DeviceRecord::lastSeen).containsExactly(T0.plusSeconds(10));
    }

    // ---- the cloud key pair ----

    @Test
    void the_cloud_key_pair_is_stored_once() {
        assertThat(registry.cloudKeyPair()).isEmpty();
        KeyPair pair = CloudKeys.generateP256();

        registry.storeCloudKeyPair(pair);

        assertThatThrownBy(() -> registry.storeCloudKeyPair(CloudKeys.generateP256()))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT))
                .hasMessageStartingWith("the cloud key pair already exists in ")
                .hasMessageEndingWith("; it is created only once");
        assertThat(registry.cloudKeyPair().orElseThrow().getPublic().getEncoded())
                .isEqualTo(pair.getPublic().getEncoded());
    }

    @Test
    void a_cloud_key_pair_whose_halves_do_not_match_is_rejected() {
        KeyPair mixed = new KeyPair(CloudKeys.generateP256().getPublic(), CloudKeys.generateP256().getPrivate());

        assertRejected(() -> registry.storeCloudKeyPair(mixed), Reason.INVALID_INPUT,
                "cloud private key does not belong to the cloud public key");
        assertThat(registry.cloudKeyPair()).isEmpty();
    }

    // ---- many at once: createDevices ----

    @Test
    void a_thousand_psk_and_rpk_devices_are_created_in_order_and_found() {
        registry.ensureOwner("alice");
        List<NewDevice> devices = new ArrayList<>();
        IntStream.range(0, 1000).forEach(i -> devices.add(i % 2 == 0
                ? NewDevice.psk(DeviceIds.random(), "d" + i, CloudKeys.newPsk())
                : NewDevice.rpk(DeviceIds.random(), "d" + i, newKey())));

        List<DeviceRecord> created = registry.createDevices("alice", devices);

        assertThat(created).extracting(DeviceRecord::id).containsExactlyElementsOf(devices.stream().map(NewDevice::id).toList());
        assertThat(registry.listByOwner("alice")).hasSize(1000);
        assertThat(registry.findByPublicKey(devices.get(1).publicKeySpki())).map(DeviceRecord::name).contains("d1");
    }

    @Test
    void one_bad_device_rejects_the_whole_batch_naming_its_index() {
        registry.ensureOwner("alice");
        List<NewDevice> devices = List.of(NewDevice.psk(DeviceIds.random(), null, CloudKeys.newPsk()),
                NewDevice.psk("not-an-id", null, CloudKeys.newPsk()));

        assertThatThrownBy(() -> registry.createDevices("alice", devices))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_INPUT))
                .hasMessage("devices[1]: device id must be 24 lowercase hex characters, was 'not-an-id'");
        assertThat(registry.listByOwner("alice")).isEmpty();
    }

    @Test
    void a_key_given_twice_in_one_batch_is_a_conflict_naming_both() {
        registry.ensureOwner("alice");
        byte[] key = newKey();
        List<NewDevice> devices = List.of(NewDevice.rpk(DeviceIds.random(), null, key),
                NewDevice.rpk(DeviceIds.random(), null, newKey()), NewDevice.rpk(DeviceIds.random(), null, key));

        assertThatThrownBy(() -> registry.createDevices("alice", devices))
                .hasMessage("devices[2]: public key is the same as the one of devices[0]");
    }

    @Test
    void an_id_that_exists_already_rejects_the_batch_and_stores_nothing() {
        registry.ensureOwner("alice");
        String existing = registry.createPskDevice(DeviceIds.random(), "alice", null, CloudKeys.newPsk()).id();
        List<NewDevice> devices = List.of(NewDevice.psk(DeviceIds.random(), null, CloudKeys.newPsk()),
                NewDevice.psk(existing, null, CloudKeys.newPsk()));

        assertThatThrownBy(() -> registry.createDevices("alice", devices))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT))
                .hasMessage("devices[1]: device id " + existing + " is already registered");
        assertThat(registry.listByOwner("alice")).hasSize(1);
    }

    @Test
    void a_device_without_key_or_psk_is_rejected() {
        registry.ensureOwner("alice");
        assertThatThrownBy(() -> registry.createDevices("alice", List.of(new NewDevice(DeviceIds.random(), null, null, null))))
                .hasMessage("devices[0]: needs exactly one of a public key and a psk");
    }

    @Test
    void an_unknown_owner_is_not_found() {
        assertThatThrownBy(() -> registry.createDevices("nobody", List.of(NewDevice.psk(DeviceIds.random(), null, CloudKeys.newPsk()))))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }

    // ---- two writers on the same record ----

    @Test
    void two_writers_registering_one_device_id_at_once_leave_exactly_one_device() {
        registry.ensureOwner("alice");
        for (int round = 0; round < 20; round++) {
            String id = DeviceIds.random();
            List<String> psks = List.of(CloudKeys.newPsk(), CloudKeys.newPsk());

            List<Race.Outcome<DeviceRecord>> outcomes = Race.run(2,
                    racer -> registry.createPskDevice(id, "alice", "racer " + racer, psks.get(racer)));

            assertThat(outcomes).filteredOn(Race.Outcome::succeeded).hasSize(1);
            Race.Outcome<DeviceRecord> lost = outcomes.stream().filter(o -> !o.succeeded()).findFirst().orElseThrow();
            assertReason(() -> { throw lost.failure(); }, Reason.CONFLICT);
            DeviceRecord won = outcomes.stream().filter(Race.Outcome::succeeded).findFirst().orElseThrow().value();
            assertThat(registry.findById(id)).map(DeviceRecord::psk).hasValue(won.psk());
        }
        assertThat(registry.listByOwner("alice")).hasSize(20);
    }

    @Test
    void two_writers_registering_one_public_key_at_once_leave_exactly_one_device() {
        registry.ensureOwner("alice");
        for (int round = 0; round < 20; round++) {
            byte[] key = newKey();
            List<String> ids = List.of(DeviceIds.random(), DeviceIds.random());

            List<Race.Outcome<DeviceRecord>> outcomes = Race.run(2,
                    racer -> registry.createRpkDevice(ids.get(racer), "alice", null, key));

            assertThat(outcomes).filteredOn(Race.Outcome::succeeded).singleElement()
                    .satisfies(won -> assertThat(registry.findByPublicKey(key)).map(DeviceRecord::id)
                            .hasValue(won.value().id()));
        }
    }

    @Test
    void two_batches_sharing_a_device_at_once_store_one_batch_whole_and_nothing_of_the_other() {
        registry.ensureOwner("alice");
        String shared = DeviceIds.random();
        List<List<NewDevice>> batches = List.of(
                List.of(NewDevice.psk(DeviceIds.random(), "a", CloudKeys.newPsk()), NewDevice.psk(shared, "a", CloudKeys.newPsk())),
                List.of(NewDevice.psk(shared, "b", CloudKeys.newPsk()), NewDevice.psk(DeviceIds.random(), "b", CloudKeys.newPsk())));

        List<Race.Outcome<List<DeviceRecord>>> outcomes = Race.run(2, racer -> registry.createDevices("alice", batches.get(racer)));

        assertThat(outcomes).filteredOn(Race.Outcome::succeeded).hasSize(1);
        String winner = registry.findById(shared).orElseThrow().name();
        assertThat(registry.listByOwner("alice")).extracting(DeviceRecord::name).containsExactly(winner, winner);
    }

    @Test
    void two_writers_storing_the_cloud_key_pair_at_once_leave_the_first_one() {
        List<KeyPair> pairs = List.of(CloudKeys.generateP256(), CloudKeys.generateP256());

        List<Race.Outcome<Integer>> outcomes = Race.run(2, racer -> {
            registry.storeCloudKeyPair(pairs.get(racer));
            return racer;
        });

        int winner = outcomes.stream().filter(Race.Outcome::succeeded).findFirst().orElseThrow().value();
        assertThat(outcomes).filteredOn(o -> !o.succeeded()).singleElement()
                .satisfies(lost -> assertReason(() -> { throw lost.failure(); }, Reason.CONFLICT));
        assertThat(registry.cloudKeyPair().orElseThrow().getPublic().getEncoded())
                .isEqualTo(pairs.get(winner).getPublic().getEncoded());
    }

    @Test
    void concurrent_touches_of_one_device_keep_the_latest_time() {
        registry.ensureOwner("alice");
        String id = registry.createPskDevice(DeviceIds.random(), "alice", null, CloudKeys.newPsk()).id();

        // Racer 0 touches the even milliseconds upwards, racer 1 the odd ones downwards: the latest is 1999.
        Race.repeat(2, 1000, (racer, round) ->
                registry.touchLastSeen(id, T0.plusMillis(racer == 0 ? 2L * round : 1999 - 2L * round)));

        assertThat(registry.findById(id)).map(DeviceRecord::lastSeen).hasValue(T0.plusMillis(1999));
    }

    @Test
    void two_writers_creating_one_owner_at_once_make_one_owner() {
        Race.repeat(2, 50, (racer, round) -> registry.ensureOwner("owner-" + round));

        assertThat(registry.owners()).hasSize(50).doesNotHaveDuplicates();
    }

    // ---- closed ----

    @Test
    void a_closed_registry_refuses_calls() {
        registry.close();
        registry.close(); // idempotent

        assertThatThrownBy(registry::owners).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("registry ").hasMessageEndingWith(" is closed");
    }
}
