package io.corral.cloud.integrations;

import java.time.Duration;

/** Range checks of the integrations packages' builders, with the message format every builder of Corral uses. */
public final class Ranges {
    private Ranges() {
    }

    public static void check(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], was " + value);
        }
    }

    public static void check(String field, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], was " + value);
        }
    }

    public static void check(String field, Duration value, Duration min, Duration max) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(field + " must be in [" + text(min) + ", " + text(max) + "], was "
                    + (value == null ? "null" : text(value)));
        }
    }

    private static String text(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + " ms";
        }
        long s = d.toSeconds();
        return s % 3600 == 0 ? s / 3600 + " h" : s % 60 == 0 ? s / 60 + " min" : s + " s";
    }
}
