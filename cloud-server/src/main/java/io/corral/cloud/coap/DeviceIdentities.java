package io.corral.cloud.coap;

import io.corral.cloud.registry.DeviceRecord;
import io.corral.cloud.registry.DeviceRegistry;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;

/**
 * Maps the DTLS peer identity of a request to a device id. A PSK identity is the device id itself; a raw public
 * key is looked up in the registry once and then cached, because every request of an RPK device needs it.
 *
 * <p>The cache holds one entry per RPK device that has connected. It only names devices that already passed a
 * handshake; the handshake itself always asks the registry ({@link #authenticate}), so a device removed from the
 * registry cannot get in on a stale cache entry.
 */
final class DeviceIdentities {
    private final DeviceRegistry registry;
    private final ConcurrentHashMap<ByteBuffer, String> deviceIdByKey = new ConcurrentHashMap<>();

    DeviceIdentities(DeviceRegistry registry) {
        this.registry = registry;
    }

    /** The device id behind the principal of a DTLS session, if it is a registered device. */
    Optional<String> deviceId(Principal principal) {
        if (principal instanceof PreSharedKeyIdentity psk) {
            return Optional.of(psk.getIdentity());
        }
        if (principal instanceof RawPublicKeyIdentity rpk) {
            return deviceIdForKey(rpk.getSubjectInfo());
        }
        return Optional.empty();
    }

    /** The device id of an authenticated RPK session: from the cache, else from the registry. */
    private Optional<String> deviceIdForKey(byte[] spki) {
        String cached = deviceIdByKey.get(ByteBuffer.wrap(spki));
        return cached != null ? Optional.of(cached) : authenticate(spki);
    }

    /**
     * Asks the registry which device owns this SubjectPublicKeyInfo DER, for a handshake; refreshes the cache
     * with the answer, including forgetting a key the registry no longer knows.
     */
    Optional<String> authenticate(byte[] spki) {
        ByteBuffer key = ByteBuffer.wrap(spki.clone());
        Optional<String> found = registry.findByPublicKey(spki).map(DeviceRecord::id);
        if (found.isPresent()) {
            deviceIdByKey.put(key, found.get());
        } else {
            deviceIdByKey.remove(key);
        }
        return found;
    }
}
