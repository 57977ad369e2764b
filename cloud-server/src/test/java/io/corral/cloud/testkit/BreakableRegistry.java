package io.corral.cloud.testkit;

import io.corral.cloud.registry.DeviceRecord;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.storage.memory.MemoryStorage;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The registry of a {@link MemoryStorage}, whose {@link #touchLastSeen} a test can make fail, to see how callers
 * survive a broken registry. Everything else is the memory registry itself. Thread-safe.
 */
public final class BreakableRegistry implements DeviceRegistry {
    private final MemoryStorage storage = MemoryStorage.open();
    private final DeviceRegistry registry = storage.registry();
    private volatile RuntimeException touchFailure;

    /** Makes every later {@link #touchLastSeen} throw this. */
    public void failTouchLastSeenWith(RuntimeException failure) {
        touchFailure = failure;
    }

    @Override
    public void touchLastSeen(String deviceId, Instant at) {
        RuntimeException failure = touchFailure;
        if (failure != null) {
            throw failure;
        }
        registry.touchLastSeen(deviceId, at);
    }

    @Override
    public void ensureOwner(String owner) {
        registry.ensureOwner(owner);
    }

    @Override
    public List<String> owners() {
        return registry.owners();
    }

    @Override
    public DeviceRecord createRpkDevice(String deviceId, String owner, String name, byte[] publicKeySpki) {
        return registry.createRpkDevice(deviceId, owner, name, publicKeySpki);
    }

    @Override
    public DeviceRecord createPskDevice(String deviceId, String owner, String name, String psk) {
        return registry.createPskDevice(deviceId, owner, name, psk);
    }

    @Override
    public List<DeviceRecord> createDevices(String owner, List<NewDevice> devices) {
        return registry.createDevices(owner, devices);
    }

    @Override
    public Optional<DeviceRecord> findById(String deviceId) {
        return registry.findById(deviceId);
    }

    @Override
    public Optional<DeviceRecord> findByPublicKey(byte[] publicKeySpki) {
        return registry.findByPublicKey(publicKeySpki);
    }

    @Override
    public List<DeviceRecord> listByOwner(String owner) {
        return registry.listByOwner(owner);
    }

    @Override
    public Optional<KeyPair> cloudKeyPair() {
        return registry.cloudKeyPair();
    }

    @Override
    public void storeCloudKeyPair(KeyPair keyPair) {
        registry.storeCloudKeyPair(keyPair);
    }

    @Override
    public void close() {
        storage.close();
    }
}
