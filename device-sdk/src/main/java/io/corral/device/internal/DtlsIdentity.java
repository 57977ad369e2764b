package io.corral.device.internal;

import io.corral.device.DeviceCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;

/**
 * The device's DTLS secrets, decoded once from {@link DeviceCredentials} so that each reconnect does not parse
 * keys again.
 */
record DtlsIdentity(boolean isPsk, byte[] pskIdentity, byte[] pskKey, AsymmetricKeyParameter privateKey,
                    byte[] publicKeySpki, byte[] pinnedCloudKeySpki) {

    static DtlsIdentity from(DeviceCredentials credentials) {
        if (credentials.auth() == DeviceCredentials.Auth.PSK) {
            return new DtlsIdentity(true, credentials.deviceId().getBytes(StandardCharsets.UTF_8),
                    credentials.psk().getBytes(StandardCharsets.UTF_8), null, null, credentials.cloudPublicKeySpki());
        }
        try {
            return new DtlsIdentity(false, null, null, PrivateKeyFactory.createKey(credentials.privateKeyPkcs8()),
                    credentials.publicKeySpki(), credentials.cloudPublicKeySpki());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("private_key is not a PKCS#8 P-256 key: " + e.getMessage(), e);
        }
    }
}
