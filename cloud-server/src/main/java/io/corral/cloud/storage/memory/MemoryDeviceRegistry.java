package io.corral.cloud.storage.memory;

import io.corral.cloud.registry.DeviceRecord;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.registry.RegistryInputs;
import io.corral.protocol.DeviceIds;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link DeviceRegistry} of {@link MemoryStorage}. It checks input with {@link RegistryInputs}, exactly as the
 * SQLite registry does, so a demo on memory storage refuses what a real cloud refuses.
 *
 * <p>Registrations take a lock, so an id or key is never registered twice; the lookups the DTLS handshake makes
 * and {@link #touchLastSeen} read and update concurrent maps without it, so a reconnect storm does not queue.
 */
final class MemoryDeviceRegistry implements DeviceRegistry {
    private final Set<String> owners;
    /** Registrations and the cloud key take its lock; the handshake's lookups do not. */
    private final Guard guard = new Guard(() -> new IllegalStateException("registry memory is closed"));
    private final Map<String, DeviceRecord> byId = new ConcurrentHashMap<>();
    /** Keys wrapped in ByteBuffers, which compare by content, unlike arrays. */
    private final Map<ByteBuffer, String> idByKey = new ConcurrentHashMap<>();
    /** Device ids per owner in registration order; guarded by {@link #guard}. */
    private final Map<String, List<String>> idsByOwner = new HashMap<>();
    private CloudKey cloudKey;

    /** @param owners shared with the token store, which creates owners too */
    MemoryDeviceRegistry(Set<String> owners) {
        this.owners = owners;
    }

    private record CloudKey(KeyPair pair, Instant created) {
    }

    @Override
    public void ensureOwner(String owner) {
        RegistryInputs.owner(owner);
        guard.requireOpen();
        owners.add(owner);
    }

    @Override
    public List<String> owners() {
        guard.requireOpen();
        return List.copyOf(owners);
    }

    @Override
    public DeviceRecord createRpkDevice(String deviceId, String owner, String name, byte[] publicKeySpki) {
        DeviceRecord device = RegistryInputs.rpkDevice(deviceId, owner, name, publicKeySpki, MemoryStorage.now());
        insertAll(owner, List.of(device));
        return copy(device);
    }

    @Override
    public DeviceRecord createPskDevice(String deviceId, String owner, String name, String psk) {
        DeviceRecord device = RegistryInputs.pskDevice(deviceId, owner, name, psk, MemoryStorage.now());
        insertAll(owner, List.of(device));
        return device;
    }

    /** {@inheritDoc} Atomic here too: every device is checked against the registry before any is added. */
    @Override
    public List<DeviceRecord> createDevices(String owner, List<NewDevice> devices) {
        List<DeviceRecord> records = RegistryInputs.newDevices(owner, devices, MemoryStorage.now());
        insertAll(owner, records);
        return records.stream().map(MemoryDeviceRegistry::copy).toList();
    }

    private void insertAll(String owner, List<DeviceRecord> devices) {
        guard.run(() -> {
            if (!owners.contains(owner)) {
                throw RegistryInputs.unknownOwner(owner);
            }
            for (int i = 0; i < devices.size(); i++) {
                DeviceRecord device = devices.get(i);
                String where = devices.size() == 1 ? "" : "devices[" + i + "]: ";
                if (byId.containsKey(device.id())) {
                    throw RegistryInputs.idTaken(where, device.id());
                }
                String holder = device.publicKeySpki() == null ? null : idByKey.get(key(device.publicKeySpki()));
                if (holder != null) {
                    throw RegistryInputs.keyTaken(where, holder);
                }
            }
            List<String> ids = idsByOwner.computeIfAbsent(owner, o -> new ArrayList<>());
            for (DeviceRecord device : devices) {
                // The record before its key, so a handshake that finds an id by key always finds its record.
                byId.put(device.id(), device);
                if (device.publicKeySpki() != null) {
                    idByKey.put(key(device.publicKeySpki()), device.id());
                }
                ids.add(device.id());
            }
        });
    }

    /** {@inheritDoc} A string that is not a valid device id finds nothing, as in the SQLite registry. */
    @Override
    public Optional<DeviceRecord> findById(String deviceId) {
        guard.requireOpen();
        if (!DeviceIds.isValid(deviceId)) {
            return Optional.empty();
        }
        return Optional.ofNullable(byId.get(deviceId)).map(MemoryDeviceRegistry::copy);
    }

    @Override
    public Optional<DeviceRecord> findByPublicKey(byte[] publicKeySpki) {
        guard.requireOpen();
        if (publicKeySpki == null || publicKeySpki.length == 0) {
            return Optional.empty();
        }
        String id = idByKey.get(key(publicKeySpki));
        return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id)).map(MemoryDeviceRegistry::copy);
    }

    /** {@inheritDoc} An owner that does not exist has no devices. */
    @Override
    public List<DeviceRecord> listByOwner(String owner) {
        RegistryInputs.owner(owner);
        List<String> ids = guard.get(() -> List.copyOf(idsByOwner.getOrDefault(owner, List.of())));
        return ids.stream().map(byId::get).map(MemoryDeviceRegistry::copy).toList();
    }

    /** {@inheritDoc} Lock-free; an older time never replaces a newer one, and an unknown id is ignored. */
    @Override
    public void touchLastSeen(String deviceId, Instant at) {
        RegistryInputs.deviceId(deviceId);
        Objects.requireNonNull(at, "at");
        guard.requireOpen();
        Instant millis = at.truncatedTo(ChronoUnit.MILLIS);
        byId.computeIfPresent(deviceId, (id, d) -> d.lastSeen() != null && !d.lastSeen().isBefore(millis) ? d
                : new DeviceRecord(d.id(), d.owner(), d.name(), d.credentialType(), d.publicKeySpki(), d.psk(),
                        d.created(), millis));
    }

    @Override
    public Optional<KeyPair> cloudKeyPair() {
        return guard.get(() -> Optional.ofNullable(cloudKey).map(CloudKey::pair));
    }

    @Override
    public void storeCloudKeyPair(KeyPair keyPair) {
        RegistryInputs.cloudKeyPair(keyPair);
        guard.run(() -> {
            if (cloudKey != null) {
                throw RegistryInputs.cloudKeyPairExists("memory", cloudKey.created());
            }
            cloudKey = new CloudKey(keyPair, MemoryStorage.now());
        });
    }

    /** Refuses every later call; what was registered is gone with the storage. Idempotent. */
    @Override
    public void close() {
        guard.close();
    }

    private static ByteBuffer key(byte[] spki) {
        return ByteBuffer.wrap(spki.clone());
    }

    /** Callers get their own key array, so nobody can alter a stored record. */
    private static DeviceRecord copy(DeviceRecord d) {
        if (d.publicKeySpki() == null) {
            return d;
        }
        return new DeviceRecord(d.id(), d.owner(), d.name(), d.credentialType(), d.publicKeySpki().clone(), d.psk(),
                d.created(), d.lastSeen());
    }
}
