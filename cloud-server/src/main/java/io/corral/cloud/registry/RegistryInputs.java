package io.corral.cloud.registry;

import io.corral.cloud.registry.DeviceRecord.CredentialType;
import io.corral.cloud.registry.DeviceRegistry.NewDevice;
import io.corral.cloud.registry.RegistryException.Reason;
import io.corral.protocol.DeviceIds;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Input rules and error messages shared by every {@link DeviceRegistry} and {@link TokenStore} implementation,
 * so the in-memory and SQLite ones (and a later PostgreSQL one) reject exactly the same input with the same
 * messages. For implementers; callers of the registry never need it.
 */
public final class RegistryInputs {
    static final int MAX_OWNER_LENGTH = 64;
    static final int MAX_DEVICE_NAME_LENGTH = 64;
    static final int MIN_PSK_LENGTH = 16;
    static final int MAX_PSK_LENGTH = 64;
    /** NIST SP 800-63B's minimum for a memorised secret. */
    public static final int MIN_PASSWORD_LENGTH = 8;
    /** Argon2 takes any length; the cap keeps one request from hashing megabytes. */
    public static final int MAX_PASSWORD_LENGTH = 1024;
    static final int MAX_CLIENT_ID_LENGTH = 64;
    /** A chosen client secret must be at least this long; generated ones are 43 characters. */
    public static final int MIN_CLIENT_SECRET_LENGTH = 16;

    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_CLIENT_ID_LENGTH + "}");
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9._@-]{1," + MAX_OWNER_LENGTH + "}");
    private static final ECParameterSpec P256 = p256();

    private RegistryInputs() {
    }

    /** The owner name, if it is 1..64 characters of [A-Za-z0-9._@-]. */
    public static String owner(String owner) {
        if (owner == null || !OWNER.matcher(owner).matches()) {
            throw invalid("owner name must be 1.." + MAX_OWNER_LENGTH + " characters of [A-Za-z0-9._@-], was "
                    + quoted(owner));
        }
        return owner;
    }

    /** A username is an owner name; the message says username, as the user typed it. */
    public static String username(String username) {
        if (username == null || !OWNER.matcher(username).matches()) {
            throw invalid("username must be 1.." + MAX_OWNER_LENGTH + " characters of [A-Za-z0-9._@-], was "
                    + quoted(username));
        }
        return username;
    }

    /** A password of {@value #MIN_PASSWORD_LENGTH}..{@value #MAX_PASSWORD_LENGTH} characters; never echoed. */
    public static String password(String password) {
        secretLength("password", password, MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH);
        return password;
    }

    /** An OAuth client id: 1..64 characters of [A-Za-z0-9._-]. */
    public static String clientId(String id) {
        if (id == null || !CLIENT_ID.matcher(id).matches()) {
            throw invalid("client id must be 1.." + MAX_CLIENT_ID_LENGTH + " characters of [A-Za-z0-9._-], was "
                    + quoted(id));
        }
        return id;
    }

    /** An OAuth client secret of {@value #MIN_CLIENT_SECRET_LENGTH}..{@value #MAX_PASSWORD_LENGTH} characters. */
    public static String clientSecret(String secret) {
        secretLength("client secret", secret, MIN_CLIENT_SECRET_LENGTH, MAX_PASSWORD_LENGTH);
        return secret;
    }

    private static void secretLength(String field, String secret, int min, int max) {
        if (secret == null || secret.length() < min || secret.length() > max) {
            throw invalid(field + " must be " + min + ".." + max + " characters, was "
                    + (secret == null ? "null" : secret.length() + " characters"));
        }
    }

    /** A second user of the same name. */
    public static RegistryException userExists(String username) {
        return new RegistryException(Reason.CONFLICT, "user '" + username + "' already exists; change its password"
                + " with: corral-cloud user passwd --username " + username + " --password-stdin");
    }

    /** A user that does not exist. */
    public static RegistryException noSuchUser(String username) {
        return new RegistryException(Reason.NOT_FOUND, "no user '" + username + "'");
    }

    /** A second client of the same id. */
    public static RegistryException clientExists(String id) {
        return new RegistryException(Reason.CONFLICT, "OAuth client '" + id + "' already exists");
    }

    /** A client that does not exist. */
    public static RegistryException noSuchClient(String id) {
        return new RegistryException(Reason.NOT_FOUND, "no OAuth client '" + id + "'");
    }

    /** The device id, if it is 24 lowercase hex characters. */
    public static String deviceId(String deviceId) {
        if (!DeviceIds.isValid(deviceId)) {
            throw invalid("device id must be 24 lowercase hex characters, was " + quoted(deviceId));
        }
        return deviceId;
    }

    /** Device names are optional labels for people; null means none. */
    public static String deviceName(String name) {
        if (name == null) {
            return null;
        }
        if (name.isEmpty() || name.length() > MAX_DEVICE_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw invalid("device name must be 1.." + MAX_DEVICE_NAME_LENGTH
                    + " characters without control characters, was " + quoted(name));
        }
        return name;
    }

    /**
     * PSKs must be typable as a {@code coap-client -k} argument, hence printable ASCII; the minimum keeps
     * hand-picked keys from being guessable.
     */
    public static String psk(String psk) {
        if (psk == null || psk.length() < MIN_PSK_LENGTH || psk.length() > MAX_PSK_LENGTH
                || !psk.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            // The PSK is a secret: say what is wrong with it, never echo it.
            throw invalid("psk must be " + MIN_PSK_LENGTH + ".." + MAX_PSK_LENGTH
                    + " printable ASCII characters without spaces, was " + (psk == null ? "null" : psk.length() + " characters"));
        }
        return psk;
    }

    /** Accepts only P-256 keys: the profile's only RPK suite is ECDHE_ECDSA on secp256r1. */
    public static byte[] p256PublicKey(String field, byte[] spki) {
        PublicKey key;
        try {
            key = CloudKeys.publicKeyFromSpki(spki);
        } catch (IllegalArgumentException e) {
            throw invalid(field + " must be a P-256 SubjectPublicKeyInfo (DER): " + e.getMessage());
        }
        requireP256(field, key);
        return spki.clone();
    }

    /**
     * The cloud's key pair must be P-256 and its halves must belong together: a mismatched pair would only
     * show up later, as every handshake failing with an obscure error.
     */
    public static KeyPair cloudKeyPair(KeyPair pair) {
        if (pair == null || pair.getPublic() == null || pair.getPrivate() == null) {
            throw invalid("cloud key pair must have both a public and a private key");
        }
        requireP256("cloud public key", pair.getPublic());
        if (!"X.509".equals(pair.getPublic().getFormat()) || !"PKCS#8".equals(pair.getPrivate().getFormat())) {
            throw invalid("cloud key pair must encode as SubjectPublicKeyInfo and PKCS#8, was "
                    + pair.getPublic().getFormat() + " and " + pair.getPrivate().getFormat());
        }
        try {
            byte[] challenge = "corral cloud key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(pair.getPrivate());
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(pair.getPublic());
            verifier.update(challenge);
            if (!verifier.verify(signature)) {
                throw invalid("cloud private key does not belong to the cloud public key");
            }
        } catch (GeneralSecurityException e) {
            throw invalid("cloud private key must be a P-256 key that can sign: " + e.getMessage());
        }
        return pair;
    }

    /** Refuses a key that is not on P-256, naming {@code field}. */
    public static void requireP256(String field, PublicKey key) {
        if (!(key instanceof ECPublicKey ec) || !sameCurve(ec.getParams(), P256)) {
            throw invalid(field + " must be on curve P-256 (secp256r1), was " + describe(key));
        }
    }

    private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
        return a.getCurve().equals(b.getCurve()) && a.getGenerator().equals(b.getGenerator())
                && a.getOrder().equals(b.getOrder());
    }

    private static String describe(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            return "an EC key of " + ec.getParams().getCurve().getField().getFieldSize() + " bits on another curve";
        }
        return key == null ? "null" : "a " + key.getAlgorithm() + " key";
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK does not know curve P-256", e);
        }
    }

    /**
     * A new RPK device, its inputs checked; the key is copied, so the caller's array cannot change the record.
     *
     * @param created the creation time, which the implementation's clock gives
     */
    public static DeviceRecord rpkDevice(String deviceId, String owner, String name, byte[] publicKeySpki,
                                         Instant created) {
        device(deviceId, owner, name);
        byte[] spki = p256PublicKey("public key", publicKeySpki);
        return new DeviceRecord(deviceId, owner, name, CredentialType.RPK, spki, null, created, null);
    }

    /** A new PSK device, its inputs checked. */
    public static DeviceRecord pskDevice(String deviceId, String owner, String name, String psk, Instant created) {
        device(deviceId, owner, name);
        psk(psk);
        return new DeviceRecord(deviceId, owner, name, CredentialType.PSK, null, psk, created, null);
    }

    /**
     * The records of a {@link DeviceRegistry#createDevices} batch, every device checked before any is stored:
     * errors name the device by index, and an id or key given twice in the batch is a conflict. Whether the
     * owner exists and whether ids or keys are taken already is the implementation's to check, with
     * {@link #unknownOwner}, {@link #idTaken} and {@link #keyTaken}.
     */
    public static List<DeviceRecord> newDevices(String owner, List<NewDevice> devices, Instant created) {
        owner(owner);
        Objects.requireNonNull(devices, "devices");
        List<DeviceRecord> records = new ArrayList<>(devices.size());
        Set<String> ids = new HashSet<>();
        // ByteBuffer compares contents, which a byte[] as map key would not.
        Map<ByteBuffer, Integer> keys = new HashMap<>();
        for (int i = 0; i < devices.size(); i++) {
            NewDevice device = devices.get(i);
            String where = "devices[" + i + "]: ";
            if (device == null) {
                throw new RegistryException(Reason.INVALID_INPUT, where + "must not be null");
            }
            DeviceRecord record;
            try {
                device(device.id(), owner, device.name());
                if ((device.psk() == null) == (device.publicKeySpki() == null)) {
                    throw new RegistryException(Reason.INVALID_INPUT, "needs exactly one of a public key and a psk");
                }
                record = device.psk() != null
                        ? pskDevice(device.id(), owner, device.name(), device.psk(), created)
                        : rpkDevice(device.id(), owner, device.name(), device.publicKeySpki(), created);
            } catch (RegistryException e) {
                throw new RegistryException(e.reason(), where + e.getMessage(), e);
            }
            if (!ids.add(record.id())) {
                throw new RegistryException(Reason.CONFLICT, where + "device id " + record.id() + " appears twice");
            }
            if (record.publicKeySpki() != null) {
                Integer first = keys.putIfAbsent(ByteBuffer.wrap(record.publicKeySpki()), i);
                if (first != null) {
                    throw new RegistryException(Reason.CONFLICT,
                            where + "public key is the same as the one of devices[" + first + "]");
                }
            }
            records.add(record);
        }
        return records;
    }

    private static void device(String deviceId, String owner, String name) {
        deviceId(deviceId);
        owner(owner);
        deviceName(name);
    }

    /** A device of an owner that does not exist. */
    public static RegistryException unknownOwner(String owner) {
        return new RegistryException(Reason.NOT_FOUND, "unknown owner '" + owner + "'; create the owner first");
    }

    /**
     * A device id that is registered already.
     *
     * @param where {@code "devices[i]: "} for a device of a batch, else empty
     */
    public static RegistryException idTaken(String where, String deviceId) {
        return new RegistryException(Reason.CONFLICT, where + "device id " + deviceId + " is already registered");
    }

    /** A public key that belongs to {@code otherDeviceId} already; {@code where} as for {@link #idTaken}. */
    public static RegistryException keyTaken(String where, String otherDeviceId) {
        return new RegistryException(Reason.CONFLICT, where + "public key is already registered to device "
                + otherDeviceId);
    }

    /** A second cloud key pair for the registry in {@code place} (a file, or {@code memory}). */
    public static RegistryException cloudKeyPairExists(String place, Instant created) {
        return new RegistryException(Reason.CONFLICT, "the cloud key pair already exists in " + place
                + " (created " + created + "); it is created only once");
    }

    /** A token's expiry must lie after {@code now}; null (never) is fine. */
    public static Instant tokenExpiry(Instant expiresAt, Instant now) {
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw new RegistryException(Reason.INVALID_INPUT,
                    "token expiry must be in the future, was " + expiresAt + " (now is " + now + ")");
        }
        return expiresAt;
    }

    /** A token id that no token has. */
    public static RegistryException noSuchToken(String id) {
        return new RegistryException(Reason.NOT_FOUND, "no access token has id '" + id + "'");
    }

    /** An {@link Reason#INVALID_INPUT} error with this message. */
    public static RegistryException invalid(String message) {
        return new RegistryException(Reason.INVALID_INPUT, message);
    }

    /** Quotes user input for an error message, cut short so a huge argument cannot flood a log line. */
    public static String quoted(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() <= 80 ? "'" + value + "'" : "'" + value.substring(0, 77) + "...' (" + value.length() + " characters)";
    }
}
