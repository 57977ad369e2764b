package io.corral.protocol;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Device ids: 24 lowercase hex characters (12 random bytes). */
public final class DeviceIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private DeviceIds() {
    }

    /** A new id from a {@link SecureRandom}. */
    public static String random() {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    /** Whether {@code id} is 24 lowercase hex characters; false for null. */
    public static boolean isValid(String id) {
        if (id == null || id.length() != 24) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
