package io.corral.cloud.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A positive duration of at most ten years: a number with a unit ({@code 90d}, {@code 12h}, {@code 30m},
 * {@code 45s}) or ISO-8601 ({@code PT1H30M}).
 */
final class DurationConverter implements ITypeConverter<Duration> {
    static final Duration MAX = Duration.ofDays(3650);
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})([dhms])");

    @Override
    public Duration convert(String value) {
        Duration duration = parse(value.strip());
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX) > 0) {
            throw new TypeConversionException("duration must be in (0, " + MAX.toDays() + "d], was '" + value + "'");
        }
        return duration;
    }

    private static Duration parse(String value) {
        Matcher m = SHORT.matcher(value);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "d" -> Duration.ofDays(amount);
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofSeconds(amount);
            };
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + value + "' is not a duration such as 90d, 12h, 30m, 45s or PT1H30M");
        }
    }
}
