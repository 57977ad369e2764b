package io.corral.cloud.cli;

import io.corral.cloud.config.Durations;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A positive duration of at most ten years, for lifetimes and timeouts: Corral's one duration syntax
 * ({@link Durations}: {@code 90d}, {@code 12h}, {@code 30m}, {@code 45s}), or ISO-8601 ({@code PT1H30M}), which
 * these flags have always taken.
 */
final class DurationConverter implements ITypeConverter<Duration> {
    static final Duration MAX = Duration.ofDays(3650);

    @Override
    public Duration convert(String value) {
        Duration duration = parse(value.strip());
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX) > 0) {
            throw new TypeConversionException("duration must be in (0, " + MAX.toDays() + "d], was '" + value + "'");
        }
        return duration;
    }

    private static Duration parse(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException notOurs) {
            try {
                return Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not a duration such as 90d, 12h, 30m, 45s or "
                        + "PT1H30M");
            }
        }
    }
}
