package io.corral.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Objects;

/**
 * The device credential file: what a device needs to reach its cloud, as the cloud writes it
 * ({@code corral-cloud device create --out device.json}, or the provisioning API) and the device SDK reads it
 * ({@code DeviceCredentials.load}). It lives in the protocol so that the cloud writes the very format the SDK
 * reads, without depending on the SDK.
 *
 * <pre>{@code
 * {"device_id":"0123456789abcdef01234567", "auth":"rpk",
 *  "private_key":"<base64 PKCS#8 DER>", "public_key":"<base64 SubjectPublicKeyInfo DER>",
 *  "cloud_host":"127.0.0.1", "cloud_port":5684, "cloud_public_key":"<base64 SubjectPublicKeyInfo DER>"}
 * }</pre>
 *
 * A PSK file has {@code "auth":"psk"} and {@code "psk":"<text>"} instead of the two keys; the UTF-8 bytes of the
 * text are the key, so stock tools such as {@code coap-client -u ID -k KEY} can use it as it is. Keys are
 * written in this order; absent ones are left out.
 *
 * <p>Every instance is valid: the constructor checks each field and names the bad one. Immutable; the record's
 * components are the file's fields as written, so keys stay base64 text.
 *
 * @param deviceId       {@code device_id}: 24 lowercase hex characters
 * @param auth           {@code auth}: {@code rpk} or {@code psk}
 * @param privateKey     {@code private_key}: base64 PKCS#8 DER of the device's P-256 key; rpk only
 * @param publicKey      {@code public_key}: base64 SubjectPublicKeyInfo DER of the device's key; rpk only
 * @param psk            {@code psk}: the pre-shared key as text; psk only
 * @param cloudHost      {@code cloud_host}: where the cloud's DTLS endpoint is
 * @param cloudPort      {@code cloud_port}: its UDP port, 1..65535
 * @param cloudPublicKey {@code cloud_public_key}: base64 SubjectPublicKeyInfo DER of the cloud's key, pinned in
 *                       the handshake; required for rpk, optional for psk
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CredentialFile(@JsonProperty("device_id") String deviceId,
                             @JsonProperty("auth") Auth auth,
                             @JsonProperty("private_key") String privateKey,
                             @JsonProperty("public_key") String publicKey,
                             @JsonProperty("psk") String psk,
                             @JsonProperty("cloud_host") String cloudHost,
                             @JsonProperty("cloud_port") int cloudPort,
                             @JsonProperty("cloud_public_key") String cloudPublicKey) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a device authenticates in the DTLS handshake. */
    public enum Auth {
        /** Raw public key, ECDHE_ECDSA on P-256 (the default). */
        @JsonProperty("rpk") RPK,
        /** Pre-shared key; the PSK identity is the device id. */
        @JsonProperty("psk") PSK
    }

    /** Checks every field; the message names the first bad one. */
    public CredentialFile {
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

    /**
     * A raw-public-key device's file.
     *
     * @param privateKeyPkcs8    the device's P-256 private key, PKCS#8 DER
     * @param publicKeySpki      the device's public key, SubjectPublicKeyInfo DER
     * @param cloudPublicKeySpki the cloud's public key, pinned in the handshake
     */
    public static CredentialFile rpk(String deviceId, byte[] privateKeyPkcs8, byte[] publicKeySpki,
                                     String cloudHost, int cloudPort, byte[] cloudPublicKeySpki) {
        Base64.Encoder b64 = Base64.getEncoder();
        return new CredentialFile(deviceId, Auth.RPK, b64.encodeToString(privateKeyPkcs8),
                b64.encodeToString(publicKeySpki), null, cloudHost, cloudPort, b64.encodeToString(cloudPublicKeySpki));
    }

    /** A PSK device's file; {@code cloudPublicKeySpki} may be null. */
    public static CredentialFile psk(String deviceId, String psk, String cloudHost, int cloudPort,
                                     byte[] cloudPublicKeySpki) {
        return new CredentialFile(deviceId, Auth.PSK, null, null, psk, cloudHost, cloudPort,
                cloudPublicKeySpki == null ? null : Base64.getEncoder().encodeToString(cloudPublicKeySpki));
    }

    /** Reads a credential file; an invalid or missing field gets an error that names the file and the field. */
    public static CredentialFile load(Path file) throws IOException {
        try {
            return JSON.readValue(Files.readAllBytes(file), CredentialFile.class);
        } catch (ValueInstantiationException e) {
            throw new IOException(file + ": " + e.getCause().getMessage(), e);
        }
    }

    /** Parses the JSON form; bad input is an IllegalArgumentException that names the field. */
    public static CredentialFile fromJson(String json) {
        try {
            return JSON.readValue(json, CredentialFile.class);
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
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // Not a POSIX file system; the file keeps its default permissions.
        }
    }

    /** A copy that points at another cloud address, for example one a test started on an ephemeral port. */
    public CredentialFile withCloudAddress(String host, int port) {
        return new CredentialFile(deviceId, auth, privateKey, publicKey, psk, host, port, cloudPublicKey);
    }

    /** PKCS#8 DER of the device's private key; null for PSK devices. */
    public byte[] privateKeyPkcs8() {
        return privateKey == null ? null : decode("private_key", privateKey);
    }

    /** SubjectPublicKeyInfo DER of the device's public key; null for PSK devices. */
    public byte[] publicKeySpki() {
        return publicKey == null ? null : decode("public_key", publicKey);
    }

    /** SubjectPublicKeyInfo DER of the cloud's pinned key; may be null for PSK devices. */
    public byte[] cloudPublicKeySpki() {
        return cloudPublicKey == null ? null : decode("cloud_public_key", cloudPublicKey);
    }

    private static byte[] decode(String field, String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " is not valid base64: " + e.getMessage(), e);
        }
    }

    /** Names the device, its auth and its cloud; never the secrets. */
    @Override
    public String toString() {
        return "CredentialFile[" + deviceId + ", " + auth + ", " + cloudHost + ":" + cloudPort + "]";
    }
}
