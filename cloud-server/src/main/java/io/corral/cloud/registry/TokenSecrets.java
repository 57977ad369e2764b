package io.corral.cloud.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * How every {@link TokenStore} makes and recognises tokens, so that a token issued by one implementation has the
 * same form as one issued by another: 32 random bytes as base64url without padding, a public id of 8 random bytes
 * in hex, and the SHA-256 of the token as the only thing stored. For implementers; callers never need it.
 */
public final class TokenSecrets {
    private static final int TOKEN_BYTES = 32;
    /** Base64url without padding of {@value #TOKEN_BYTES} bytes. */
    private static final int TOKEN_LENGTH = 43;
    private static final int ID_BYTES = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenSecrets() {
    }

    /** A new token: 43 base64url characters. */
    public static String newToken() {
        byte[] secret = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** A new token id: 16 lowercase hex characters, safe to show and to log. */
    public static String newId() {
        byte[] id = new byte[ID_BYTES];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    /** Whether {@code text} could be a token at all; anything else is refused without a lookup. */
    public static boolean wellFormed(String text) {
        return text != null && text.length() == TOKEN_LENGTH;
    }

    /**
     * The hash a store keeps. Unsalted SHA-256 is enough here: a token has 256 bits of entropy, so there is no
     * dictionary to precompute, and a fast hash keeps the per-request check cheap.
     */
    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
