package io.corral.cloud.registry;

import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Owners, devices and the cloud's own key pair. The DTLS handshake asks it for PSKs and trusted public keys,
 * so lookups by id and by public key must be fast (indexed). Implementations are thread-safe.
 *
 * <p>The embedded implementation is {@link SqliteDeviceRegistry}.
 */
public interface DeviceRegistry extends AutoCloseable {

    /** Creates the owner if it does not exist yet; owner names are 1..64 characters of [A-Za-z0-9._@-]. */
    void ensureOwner(String owner);

    /** All owner names, sorted. */
    List<String> owners();

    /**
     * Registers a raw-public-key device.
     *
     * @param publicKeySpki the device's P-256 public key, SubjectPublicKeyInfo DER; unique across devices
     */
    DeviceRecord createRpkDevice(String deviceId, String owner, String name, byte[] publicKeySpki);

    /** Registers a PSK device; the PSK is text and its UTF-8 bytes are the key. */
    DeviceRecord createPskDevice(String deviceId, String owner, String name, String psk);

    /**
     * A device to register with {@link #createDevices}: an RPK device has a public key, a PSK device a PSK.
     *
     * @param name optional label; null for none
     */
    record NewDevice(String id, String name, byte[] publicKeySpki, String psk) {

        public static NewDevice rpk(String id, String name, byte[] publicKeySpki) {
            return new NewDevice(id, name, publicKeySpki, null);
        }

        public static NewDevice psk(String id, String name, String psk) {
            return new NewDevice(id, name, null, psk);
        }

        @Override
        public String toString() {
            // Never print a PSK.
            return "NewDevice[" + id + ", " + (psk == null ? "RPK" : "PSK") + "]";
        }
    }

    /**
     * Registers many devices of one existing owner at once, for fleet provisioning: every device is checked
     * before any is stored, and implementations store them all in one transaction, so either all of them exist
     * afterwards or none does. The default registers them one by one (not atomic); the SQLite registry overrides it.
     *
     * @return the records, in the order given
     * @throws RegistryException INVALID_INPUT naming the device (by index) and its bad field, NOT_FOUND for an
     *                           unknown owner, CONFLICT for an id or public key that exists already or twice
     */
    default List<DeviceRecord> createDevices(String owner, List<NewDevice> devices) {
        return devices.stream()
                .map(d -> d.psk() != null ? createPskDevice(d.id(), owner, d.name(), d.psk())
                        : createRpkDevice(d.id(), owner, d.name(), d.publicKeySpki()))
                .toList();
    }

    Optional<DeviceRecord> findById(String deviceId);

    /** The device whose raw public key is exactly these SubjectPublicKeyInfo bytes. */
    Optional<DeviceRecord> findByPublicKey(byte[] publicKeySpki);

    /** The owner's devices, by creation time. */
    List<DeviceRecord> listByOwner(String owner);

    /** Records that the device was heard from (last seen). Cheap enough to call on every hello. */
    void touchLastSeen(String deviceId, Instant at);

    /** The cloud's P-256 key pair, created by {@code corral-cloud init}; empty before that. */
    Optional<KeyPair> cloudKeyPair();

    /** Stores the cloud's key pair, replacing none: fails if one exists already. */
    void storeCloudKeyPair(KeyPair keyPair);

    @Override
    void close();
}
