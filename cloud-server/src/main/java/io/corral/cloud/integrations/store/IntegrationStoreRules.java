package io.corral.cloud.integrations.store;

import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.IntegrationException.Reason;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * What every {@link IntegrationStore} implementation does alike: the ids, the owner check and the error for a
 * missing integration (what a target fills in, such as an MQTT client id, is its own
 * {@link io.corral.cloud.integrations.model.IntegrationSpec#storedFor}), so the SQLite and in-memory stores (and later ones)
 * answer with the same words. For implementers; callers never need it.
 */
public final class IntegrationStoreRules {
    private static final SecureRandom RANDOM = new SecureRandom();

    private IntegrationStoreRules() {
    }

    /** A new integration id: {@code int_} and 16 lowercase hex characters. */
    public static String newId() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return "int_" + HexFormat.of().formatHex(bytes);
    }

    /** The owner of a new integration, if it is 1..64 characters. */
    public static String owner(String owner) {
        if (owner == null || owner.isEmpty() || owner.length() > 64) {
            throw IntegrationException.invalid("owner", "must be 1..64 characters");
        }
        return owner;
    }

    /** An integration that does not exist. */
    public static IntegrationException noIntegration(String id) {
        return new IntegrationException(Reason.NOT_FOUND, "no integration " + id);
    }
}
