package io.corral.device;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.protocol.DeviceIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;

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
 * the text are the key, so stock tools such as {@code coap-client -u ID -k KEY} can use it as it is.
 *
 * <p>Instances are immutable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class DeviceCredentials {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a device authenticates in the DTLS handshake. */
    public enum Auth {
        /** Raw public key, ECDHE_ECDSA on P-256 (the default). */
        @JsonProperty("rpk") RPK,
        /** Pre-shared key; the PSK identity is the device id. */
        @JsonProperty("psk") PSK
    }

    private final String deviceId;
    private final Auth auth;
    private final String privateKey;
    private final String publicKey;
    private final String psk;
    private final String cloudHost;
    private final int cloudPort;
    private final String cloudPublicKey;

    @com.fasterxml.jackson.annotation.JsonCreator
    private DeviceCredentials(@JsonProperty("device_id") String deviceId, @JsonProperty("auth") Auth auth,
                              @JsonProperty("private_key") String privateKey, @JsonProperty("public_key") String publicKey,
                              @JsonProperty("psk") String psk, @JsonProperty("cloud_host") String cloudHost,
                              @JsonProperty("cloud_port") int cloudPort,
                              @JsonProperty("cloud_public_key") String cloudPublicKey) {
        this.deviceId = deviceId;
        this.auth = auth;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.psk = psk;
        this.cloudHost = cloudHost;
        this.cloudPort = cloudPort;
        this.cloudPublicKey = cloudPublicKey;
        validate();
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
        Base64.Encoder b64 = Base64.getEncoder();
        return new DeviceCredentials(deviceId, Auth.RPK, b64.encodeToString(privateKeyPkcs8),
                b64.encodeToString(publicKeySpki), null, cloudHost, cloudPort, b64.encodeToString(cloudPublicKeySpki));
    }

    /** Credentials for a PSK device; {@code cloudPublicKeySpki} may be null. */
    public static DeviceCredentials psk(String deviceId, String psk, String cloudHost, int cloudPort,
                                        byte[] cloudPublicKeySpki) {
        return new DeviceCredentials(deviceId, Auth.PSK, null, null, psk, cloudHost, cloudPort,
                cloudPublicKeySpki == null ? null : Base64.getEncoder().encodeToString(cloudPublicKeySpki));
    }

    /** Reads a credential file; a missing field gets an error that names it. */
    public static DeviceCredentials load(Path file) throws IOException {
        try {
            return JSON.readValue(Files.readAllBytes(file), DeviceCredentials.class);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            throw new IOException(file + ": " + e.getCause().getMessage(), e);
        }
    }

    /** Parses the JSON form. */
    public static DeviceCredentials fromJson(String json) {
        try {
            return JSON.readValue(json, DeviceCredentials.class);
        } catch (IOException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            throw new IllegalArgumentException("invalid device credentials: " + cause.getMessage(), e);
        }
    }

    /** The JSON form, as written to credential files. */
    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the JSON form to {@code file}, readable by the owner only where the file system allows it. */
    public void save(Path file) throws IOException {
        Files.writeString(file, toJson());
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // Not a POSIX file system; the file keeps its default permissions.
        }
    }

    /** A copy that points at another cloud address, for example one a test started on an ephemeral port. */
    public DeviceCredentials withCloudAddress(String host, int port) {
        return new DeviceCredentials(deviceId, auth, privateKey, publicKey, psk, host, port, cloudPublicKey);
    }

    private void validate() {
        if (!DeviceIds.isValid(deviceId)) {
            throw new IllegalArgumentException("device_id must be 24 lowercase hex characters, was '" + deviceId + "'");
        }
        Objects.requireNonNull(auth, "auth must be 'rpk' or 'psk'");
        if (cloudHost == null || cloudHost.isBlank()) {
            throw new IllegalArgumentException("cloud_host is missing");
        }
        if (cloudPort < 1 || cloudPort > 65535) {
            throw new IllegalArgumentException("cloud_port must be in [1, 65535], was " + cloudPort);
        }
        if (auth == Auth.RPK) {
            if (privateKey == null || publicKey == null || cloudPublicKey == null) {
                throw new IllegalArgumentException("an rpk credential needs private_key, public_key and cloud_public_key");
            }
            decode("private_key", privateKey);
            decode("public_key", publicKey);
            decode("cloud_public_key", cloudPublicKey);
        } else if (psk == null || psk.isEmpty()) {
            throw new IllegalArgumentException("a psk credential needs a non-empty psk");
        }
    }

    private static byte[] decode(String field, String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " is not valid base64: " + e.getMessage(), e);
        }
    }

    @JsonProperty("device_id")
    public String deviceId() {
        return deviceId;
    }

    @JsonProperty("auth")
    public Auth auth() {
        return auth;
    }

    @JsonProperty("cloud_host")
    public String cloudHost() {
        return cloudHost;
    }

    @JsonProperty("cloud_port")
    public int cloudPort() {
        return cloudPort;
    }

    /** PKCS#8 DER of the device's private key; null for PSK devices. */
    @JsonIgnore
    public byte[] privateKeyPkcs8() {
        return privateKey == null ? null : decode("private_key", privateKey);
    }

    /** SubjectPublicKeyInfo DER of the device's public key; null for PSK devices. */
    @JsonIgnore
    public byte[] publicKeySpki() {
        return publicKey == null ? null : decode("public_key", publicKey);
    }

    /** SubjectPublicKeyInfo DER of the cloud's pinned key; may be null for PSK devices. */
    @JsonIgnore
    public byte[] cloudPublicKeySpki() {
        return cloudPublicKey == null ? null : decode("cloud_public_key", cloudPublicKey);
    }

    /** The PSK text; its UTF-8 bytes are the key. Null for RPK devices. */
    @JsonProperty("psk")
    public String psk() {
        return psk;
    }

    @JsonProperty("private_key")
    String privateKeyBase64() {
        return privateKey;
    }

    @JsonProperty("public_key")
    String publicKeyBase64() {
        return publicKey;
    }

    @JsonProperty("cloud_public_key")
    String cloudPublicKeyBase64() {
        return cloudPublicKey;
    }

    @Override
    public String toString() {
        // Never print secrets.
        return "DeviceCredentials[" + deviceId + ", " + auth + ", " + cloudHost + ":" + cloudPort + "]";
    }
}
