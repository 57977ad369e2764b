package io.corral.cloud.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax of Corral's flags, settings files and environment: a whole number and a unit,
 * {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h} (and {@code d} for days). {@code 0} alone is zero.
 *
 * <p>A bare number is refused: {@code --handshake-deadline} once took seconds and {@code --admission-queue-wait}
 * milliseconds, so a number without a unit is a guess either way.
 */
public final class Durations {
    /** What the syntax looks like, for messages. */
    public static final String SYNTAX = "use a number with ms, s, m or h, like 250ms, 5s, 2m or 1h";

    private static final Pattern FORM = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");
    private static final Pattern NUMBER = Pattern.compile("[-+]?\\d+(\\.\\d*)?");

    private Durations() {
    }

    /**
     * Reads a duration such as {@code 30s}.
     *
     * @throws IllegalArgumentException naming the text and showing the syntax
     */
    public static Duration parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = FORM.matcher(value);
        if (!m.matches()) {
            String why = NUMBER.matcher(value).matches() ? "a number needs a unit; " : "";
            throw new IllegalArgumentException("'" + text + "' is not a duration: " + why + SYNTAX);
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** The shortest exact form in the syntax {@link #parse} reads: {@code 250ms}, {@code 30s}, {@code 10m}, {@code 2h}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 != 0) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        if (seconds == 0 || seconds % 60 != 0) {
            return seconds + "s";
        }
        return seconds % 3600 == 0 ? seconds / 3600 + "h" : seconds / 60 + "m";
    }

    /** As prose, for the cloud's messages: {@code 250 ms}, {@code 30 s}, {@code 10 min}, {@code 2 h}. */
    public static String describe(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000 || millis % 1000 != 0) {
            return millis + " ms";
        }
        long seconds = millis / 1000;
        if (seconds % 3600 == 0) {
            return seconds / 3600 + " h";
        }
        return seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }
}
