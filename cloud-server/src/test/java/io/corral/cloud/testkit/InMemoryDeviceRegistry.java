package io.corral.cloud.testkit;

import io.corral.cloud.registry.DeviceRecord;
import io.corral.cloud.registry.DeviceRegistry;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link DeviceRegistry} in memory, for tests until the SQLite one is merged. Thread-safe. */
public final class InMemoryDeviceRegistry implements DeviceRegistry {
    private final Set<String> owners = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, DeviceRecord> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> idByKey = new ConcurrentHashMap<>();
    private final AtomicReference<KeyPair> cloudKeyPair = new AtomicReference<>();
    private volatile RuntimeException touchFailure;

    /** Makes every later {@link #touchLastSeen} throw this, to test how callers survive a broken registry. */
    public void failTouchLastSeenWith(RuntimeException failure) {
        touchFailure = failure;
    }

    @Override
    public void ensureOwner(String owner) {
        owners.add(owner);
    }

    @Override
    public List<String> owners() {
        return owners.stream().sorted().toList();
    }

    @Override
    public DeviceRecord createRpkDevice(String deviceId, String owner, String name, byte[] publicKeySpki) {
        DeviceRecord record = new DeviceRecord(deviceId, owner, name, DeviceRecord.CredentialType.RPK,
                publicKeySpki.clone(), null, Instant.now(), null);
        if (idByKey.putIfAbsent(key(publicKeySpki), deviceId) != null) {
            throw new IllegalArgumentException("public key already belongs to another device");
        }
        return add(record);
    }

    @Override
    public DeviceRecord createPskDevice(String deviceId, String owner, String name, String psk) {
        return add(new DeviceRecord(deviceId, owner, name, DeviceRecord.CredentialType.PSK, null, psk, Instant.now(),
                null));
    }

    private DeviceRecord add(DeviceRecord record) {
        ensureOwner(record.owner());
        if (byId.putIfAbsent(record.id(), record) != null) {
            throw new IllegalArgumentException("device " + record.id() + " exists");
        }
        return record;
    }

    @Override
    public Optional<DeviceRecord> findById(String deviceId) {
        return Optional.ofNullable(byId.get(deviceId));
    }

    @Override
    public Optional<DeviceRecord> findByPublicKey(byte[] publicKeySpki) {
        return Optional.ofNullable(idByKey.get(key(publicKeySpki))).map(byId::get);
    }

    @Override
    public List<DeviceRecord> listByOwner(String owner) {
        List<DeviceRecord> result = new ArrayList<>();
        for (DeviceRecord record : byId.values()) {
            if (record.owner().equals(owner)) {
                result.add(record);
            }
        }
        result.sort(Comparator.comparing(DeviceRecord::created));
        return result;
    }

    @Override
    public void touchLastSeen(String deviceId, Instant at) {
        RuntimeException failure = touchFailure;
        if (failure != null) {
            throw failure;
        }
        byId.computeIfPresent(deviceId, (id, r) -> new DeviceRecord(r.id(), r.owner(), r.name(), r.credentialType(),
                r.publicKeySpki(), r.psk(), r.created(), at));
    }

    @Override
    public Optional<KeyPair> cloudKeyPair() {
        return Optional.ofNullable(cloudKeyPair.get());
    }

    @Override
    public void storeCloudKeyPair(KeyPair keyPair) {
        if (!cloudKeyPair.compareAndSet(null, keyPair)) {
            throw new IllegalStateException("the cloud key pair exists already");
        }
    }

    @Override
    public void close() {
    }

    private static String key(byte[] spki) {
        return Base64.getEncoder().encodeToString(spki);
    }
}
