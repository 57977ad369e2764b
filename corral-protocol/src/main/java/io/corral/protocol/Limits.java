package io.corral.protocol;

/**
 * The limits of the profile. The device SDK checks them before sending, so a caller gets a precise
 * error without a round trip; the cloud enforces its own configured copy.
 *
 * @param maxEventNameLength   event names are 1..this printable ASCII characters (default 64)
 * @param maxEventDataBytes    event data size in bytes (default 1024)
 * @param maxFunctionArgBytes  function argument size in UTF-8 bytes (default 1024)
 * @param maxNameLength        function and variable name length (default 64)
 * @param publishRatePerSecond sustained per-device publish rate (default 1)
 * @param publishBurst         per-device publish burst (default 4)
 * @param maxSubscriptions     subscriptions per device (default 8)
 */
public record Limits(int maxEventNameLength, int maxEventDataBytes, int maxFunctionArgBytes, int maxNameLength,
                     double publishRatePerSecond, int publishBurst, int maxSubscriptions) {

    /** The defaults of DESIGN.md. */
    public static final Limits DEFAULTS = new Limits(64, 1024, 1024, 64, 1.0, 4, 8);

    public Limits {
        requireInRange("maxEventNameLength", maxEventNameLength, 1, 1024);
        requireInRange("maxEventDataBytes", maxEventDataBytes, 0, 64 * 1024);
        requireInRange("maxFunctionArgBytes", maxFunctionArgBytes, 0, 64 * 1024);
        requireInRange("maxNameLength", maxNameLength, 1, 1024);
        if (!(publishRatePerSecond > 0 && publishRatePerSecond <= 100_000)) {
            throw new IllegalArgumentException("publishRatePerSecond must be in (0, 100000], was " + publishRatePerSecond);
        }
        requireInRange("publishBurst", publishBurst, 1, 100_000);
        requireInRange("maxSubscriptions", maxSubscriptions, 0, 10_000);
    }

    private static void requireInRange(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], was " + value);
        }
    }
}
