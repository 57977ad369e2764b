package io.corral.cloud.registry;

import io.corral.cloud.registry.RegistryException.Reason;
import io.corral.protocol.DeviceIds;
import java.security.AlgorithmParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.regex.Pattern;

/**
 * Input rules shared by every {@link DeviceRegistry} implementation, so a later PostgreSQL registry rejects
 * exactly what the SQLite one rejects, with the same messages.
 */
final class RegistryInputs {
    static final int MAX_OWNER_LENGTH = 64;
    static final int MAX_DEVICE_NAME_LENGTH = 64;
    static final int MIN_PSK_LENGTH = 16;
    static final int MAX_PSK_LENGTH = 64;

    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9._@-]{1," + MAX_OWNER_LENGTH + "}");
    private static final ECParameterSpec P256 = p256();

    private RegistryInputs() {
    }

    static String owner(String owner) {
        if (owner == null || !OWNER.matcher(owner).matches()) {
            throw invalid("owner name must be 1.." + MAX_OWNER_LENGTH + " characters of [A-Za-z0-9._@-], was "
                    + quoted(owner));
        }
        return owner;
    }

    static String deviceId(String deviceId) {
        if (!DeviceIds.isValid(deviceId)) {
            throw invalid("device id must be 24 lowercase hex characters, was " + quoted(deviceId));
        }
        return deviceId;
    }

    /** Device names are optional labels for people; null means none. */
    static String deviceName(String name) {
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
    static String psk(String psk) {
        if (psk == null || psk.length() < MIN_PSK_LENGTH || psk.length() > MAX_PSK_LENGTH
                || !psk.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            // The PSK is a secret: say what is wrong with it, never echo it.
            throw invalid("psk must be " + MIN_PSK_LENGTH + ".." + MAX_PSK_LENGTH
                    + " printable ASCII characters without spaces, was " + (psk == null ? "null" : psk.length() + " characters"));
        }
        return psk;
    }

    /** Accepts only P-256 keys: the profile's only RPK suite is ECDHE_ECDSA on secp256r1. */
    static byte[] p256PublicKey(String field, byte[] spki) {
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
    static KeyPair cloudKeyPair(KeyPair pair) {
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

    static void requireP256(String field, PublicKey key) {
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

    static RegistryException invalid(String message) {
        return new RegistryException(Reason.INVALID_INPUT, message);
    }

    /** Quotes user input for an error message, cut short so a huge argument cannot flood a log line. */
    static String quoted(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() <= 80 ? "'" + value + "'" : "'" + value.substring(0, 77) + "...' (" + value.length() + " characters)";
    }
}
