package io.corral.cloud.registry;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Key material for the Corral profile: P-256 key pairs for raw-public-key devices and the cloud, and PSK
 * text for PSK devices. Keys travel as DER: SubjectPublicKeyInfo for public keys, PKCS#8 for private keys.
 *
 * <pre>{@code
 * KeyPair pair = CloudKeys.generateP256();
 * PublicKey same = CloudKeys.publicKeyFromSpki(pair.getPublic().getEncoded());
 * String psk = CloudKeys.newPsk();   // coap-client -u DEVICE_ID -k "$psk" ...
 * }</pre>
 */
public final class CloudKeys {
    /** 24 bytes is 192 bits of entropy, more than the 128-bit AES key the PSK suite derives. */
    private static final int PSK_RANDOM_BYTES = 24;
    private static final SecureRandom RANDOM = new SecureRandom();

    private CloudKeys() {
    }

    /** A fresh P-256 (secp256r1) key pair from the JDK's default EC provider. */
    public static KeyPair generateP256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            // Every JDK ships P-256; reaching this means a broken runtime, not a user error.
            throw new IllegalStateException("this JDK cannot generate P-256 keys", e);
        }
    }

    /**
     * A fresh PSK: 24 random bytes as base64url without padding (32 characters). The text itself is the key
     * (its UTF-8 bytes), which keeps it typable on a command line: {@code coap-client -u ID -k KEY}.
     */
    public static String newPsk() {
        byte[] random = new byte[PSK_RANDOM_BYTES];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /**
     * Decodes an EC public key from SubjectPublicKeyInfo DER.
     *
     * @throws IllegalArgumentException if the bytes are not an EC public key
     */
    public static PublicKey publicKeyFromSpki(byte[] spki) {
        if (spki == null || spki.length == 0) {
            throw new IllegalArgumentException("public key must be non-empty SubjectPublicKeyInfo DER");
        }
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("public key is not an EC SubjectPublicKeyInfo: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes an EC private key from PKCS#8 DER.
     *
     * @throws IllegalArgumentException if the bytes are not an EC private key
     */
    public static PrivateKey privateKeyFromPkcs8(byte[] pkcs8) {
        if (pkcs8 == null || pkcs8.length == 0) {
            throw new IllegalArgumentException("private key must be non-empty PKCS#8 DER");
        }
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("private key is not an EC PKCS#8 key: " + e.getMessage(), e);
        }
    }
}
