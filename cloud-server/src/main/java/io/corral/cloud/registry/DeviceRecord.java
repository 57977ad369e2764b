package io.corral.cloud.registry;

import java.time.Instant;

/**
 * One registered device.
 *
 * @param publicKeySpki SubjectPublicKeyInfo DER for RPK devices, null for PSK devices
 * @param psk           the PSK text for PSK devices, null for RPK devices
 * @param lastSeen      null until the device first says hello
 */
public record DeviceRecord(String id, String owner, String name, CredentialType credentialType,
                           byte[] publicKeySpki, String psk, Instant created, Instant lastSeen) {

    /** How the device authenticates. */
    public enum CredentialType { RPK, PSK }

    @Override
    public String toString() {
        return "DeviceRecord[" + id + ", owner=" + owner + ", name=" + name + ", " + credentialType + "]";
    }
}
