package io.corral.cloud.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.registry.DeviceRegistry.NewDevice;
import io.corral.cloud.registry.RegistryException.Reason;
import io.corral.protocol.DeviceIds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SqliteDeviceRegistry#createDevices}: many devices, one transaction, all or nothing. */
class BulkCreateTest {
    @TempDir
    Path dataDir;

    private SqliteDeviceRegistry registry;

    @BeforeEach
    void open() {
        registry = SqliteDeviceRegistry.open(dataDir);
        registry.ensureOwner("alice");
    }

    @AfterEach
    void close() {
        registry.close();
    }

    private static byte[] newKey() {
        return CloudKeys.generateP256().getPublic().getEncoded();
    }

    @Test
    void a_thousand_psk_and_rpk_devices_are_created_in_order_and_found() {
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
        List<NewDevice> devices = List.of(NewDevice.psk(DeviceIds.random(), null, CloudKeys.newPsk()),
                NewDevice.psk("not-an-id", null, CloudKeys.newPsk()));

        assertThatThrownBy(() -> registry.createDevices("alice", devices))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_INPUT))
                .hasMessage("devices[1]: device id must be 24 lowercase hex characters, was 'not-an-id'");
        assertThat(registry.listByOwner("alice")).isEmpty();
    }

    @Test
    void a_key_given_twice_in_one_batch_is_a_conflict_naming_both() {
        byte[] key = newKey();
        List<NewDevice> devices = List.of(NewDevice.rpk(DeviceIds.random(), null, key),
                NewDevice.rpk(DeviceIds.random(), null, newKey()), NewDevice.rpk(DeviceIds.random(), null, key));

        assertThatThrownBy(() -> registry.createDevices("alice", devices))
                .hasMessage("devices[2]: public key is the same as the one of devices[0]");
    }

    @Test
    void an_id_that_exists_already_rejects_the_batch_and_stores_nothing() {
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
        assertThatThrownBy(() -> registry.createDevices("alice", List.of(new NewDevice(DeviceIds.random(), null, null, null))))
                .hasMessage("devices[0]: needs exactly one of a public key and a psk");
    }

    @Test
    void an_unknown_owner_is_not_found() {
        assertThatThrownBy(() -> registry.createDevices("nobody", List.of(NewDevice.psk(DeviceIds.random(), null, CloudKeys.newPsk()))))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }
}
