package io.corral.device;

import io.corral.protocol.CredentialFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What a device needs to reach its cloud: its id, its secret (a P-256 key pair or a PSK), the cloud's
 * address and the cloud's pinned public key.
 *
 * <p>The cloud writes these files ({@code corral-cloud device create --out device.json}); the device
 * reads them with {@link #load(Path)}. The JSON looks like this:
 *
 * <pre>{@code
 * {"device_id":"0123456789abcdef01234567", "auth":"rpk",
 *  "private_key":"<base64 PKCS#8 DER>", "public_key":"<base64 SubjectPublicKeyInfo DER>",
 *  "cloud_host":"127.0.0.1", "cloud_port":5684, "cloud_public_key":"<base64 SubjectPublicKeyInfo DER>"}
 * }</pre>
 *
 * A PSK file has {@code "auth":"psk"} and {@code "psk":"<text>"} instead of the two keys; the UTF-8 bytes of
 * the text are the key, so stock tools such as {@code coap-client -u ID -k KEY} can use it as it is. The format
 * itself, with its checks, is {@link CredentialFile} in the protocol module, shared with the cloud that writes it.
 *
 * <p>Instances are immutable.
 */
public final class DeviceCredentials {

    /** How a device authenticates in the DTLS handshake. */
    public enum Auth {
        /** Raw public key, ECDHE_ECDSA on P-256 (the default). */
        RPK,
        /** Pre-shared key; the PSK identity is the device id. */
        PSK
    }

    private final CredentialFile file;

    private DeviceCredentials(CredentialFile file) {
        this.file = file;
    }

    /**
     * Credentials for a raw-public-key device.
     *
     * @param privateKeyPkcs8     the device's P-256 private key, PKCS#8 DER
     * @param publicKeySpki       the device's public key, SubjectPublicKeyInfo DER
     * @param cloudPublicKeySpki  the cloud's public key, pinned in the handshake
     */
    public static DeviceCredentials rpk(String deviceId, byte[] privateKeyPkcs8, byte[] publicKeySpki,
                                        String cloudHost, int cloudPort, byte[] cloudPublicKeySpki) {
        return new DeviceCredentials(CredentialFile.rpk(deviceId, privateKeyPkcs8, publicKeySpki, cloudHost, cloudPort,
                cloudPublicKeySpki));
    }

    /** Credentials for a PSK device; {@code cloudPublicKeySpki} may be null. */
    public static DeviceCredentials psk(String deviceId, String psk, String cloudHost, int cloudPort,
                                        byte[] cloudPublicKeySpki) {
        return new DeviceCredentials(CredentialFile.psk(deviceId, psk, cloudHost, cloudPort, cloudPublicKeySpki));
    }

    /** Reads a credential file; a missing field gets an error that names it. */
    public static DeviceCredentials load(Path file) throws IOException {
        return new DeviceCredentials(CredentialFile.load(file));
    }

    /** Parses the JSON form. */
    public static DeviceCredentials fromJson(String json) {
        return new DeviceCredentials(CredentialFile.fromJson(json));
    }

    /** The JSON form, as written to credential files. */
    public String toJson() {
        return file.toJson();
    }

    /** Writes the JSON form to {@code file}, readable by the owner only where the file system allows it. */
    public void save(Path file) throws IOException {
        this.file.save(file);
    }

    /** A copy that points at another cloud address, for example one a test started on an ephemeral port. */
    public DeviceCredentials withCloudAddress(String host, int port) {
        return new DeviceCredentials(file.withCloudAddress(host, port));
    }

    /** The device's 24-hex id; also its PSK identity. */
    public String deviceId() {
        return file.deviceId();
    }

    /** How the device authenticates. */
    public Auth auth() {
        return file.auth() == CredentialFile.Auth.PSK ? Auth.PSK : Auth.RPK;
    }

    /** Where the cloud's DTLS endpoint is. */
    public String cloudHost() {
        return file.cloudHost();
    }

    /** The UDP port of the cloud's DTLS endpoint. */
    public int cloudPort() {
        return file.cloudPort();
    }

    /** PKCS#8 DER of the device's private key; null for PSK devices. */
    public byte[] privateKeyPkcs8() {
        return file.privateKeyPkcs8();
    }

    /** SubjectPublicKeyInfo DER of the device's public key; null for PSK devices. */
    public byte[] publicKeySpki() {
        return file.publicKeySpki();
    }

    /** SubjectPublicKeyInfo DER of the cloud's pinned key; may be null for PSK devices. */
    public byte[] cloudPublicKeySpki() {
        return file.cloudPublicKeySpki();
    }

    /** The PSK text; its UTF-8 bytes are the key. Null for RPK devices. */
    public String psk() {
        return file.psk();
    }

    @Override
    public String toString() {
        // Never print secrets.
        return "DeviceCredentials[" + deviceId() + ", " + auth() + ", " + cloudHost() + ":" + cloudPort() + "]";
    }
}
