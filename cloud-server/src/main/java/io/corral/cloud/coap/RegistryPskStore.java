package io.corral.cloud.coap;

import io.corral.cloud.registry.DeviceRecord;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.protocol.DeviceIds;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.crypto.SecretKey;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;
import org.eclipse.californium.scandium.util.SecretUtil;
import org.eclipse.californium.scandium.util.ServerNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scandium's view of PSK devices: the PSK identity is the device id, and the key is the UTF-8 bytes of the PSK
 * text stored in the registry. An unknown identity gets no key, and Scandium refuses the handshake with an
 * {@code unknown_psk_identity} alert.
 *
 * <p>The lookup runs synchronously on a connector thread; the registry promises indexed lookups by id.
 */
final class RegistryPskStore implements AdvancedPskStore {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryPskStore.class);

    private final DeviceRegistry registry;

    RegistryPskStore(DeviceRegistry registry) {
        this.registry = registry;
    }

    @Override
    public boolean hasEcdhePskSupported() {
        return true;
    }

    @Override
    public PskSecretResult requestPskSecretResult(ConnectionId cid, ServerNames serverName,
                                                  PskPublicInformation identity, String hmacAlgorithm,
                                                  SecretKey otherSecret, byte[] seed,
                                                  boolean useExtendedMasterSecret) {
        String deviceId = identity.getPublicInfoAsString();
        // Validate before touching the registry, so garbage identities cost no query.
        Optional<DeviceRecord> device = DeviceIds.isValid(deviceId) ? registry.findById(deviceId) : Optional.empty();
        if (device.isEmpty() || device.get().credentialType() != DeviceRecord.CredentialType.PSK
                || device.get().psk() == null) {
            LOG.info("refusing PSK handshake: identity '{}' is not a registered PSK device", printable(deviceId));
            return new PskSecretResult(cid, identity, null);
        }
        // Algorithm "PSK" tells Scandium to derive the premaster secret itself, which also covers ECDHE_PSK.
        SecretKey key = SecretUtil.create(device.get().psk().getBytes(StandardCharsets.UTF_8),
                PskSecretResult.ALGORITHM_PSK);
        return new PskSecretResult(cid, identity, key);
    }

    @Override
    public PskPublicInformation getIdentity(InetSocketAddress peerAddress, ServerNames virtualHost) {
        return null; // server only: the cloud never starts a PSK handshake
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        // synchronous store
    }

    private static String printable(String identity) {
        String cut = identity.length() > 64 ? identity.substring(0, 64) + "..." : identity;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
