package io.corral.simulator.run;

import java.time.Duration;

/**
 * Durations as people type and read them: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}. The syntax is the
 * cloud's one duration syntax ({@link io.corral.cloud.config.Durations}), so a bare number is refused there too.
 */
public final class Durations {
    private Durations() {
    }

    /** @throws IllegalArgumentException saying which forms are accepted */
    public static Duration parse(String text) {
        return io.corral.cloud.config.Durations.parse(text);
    }

    /** 250ms, 30s, 10m, 2h: the shortest exact form. */
    public static String format(Duration duration) {
        return io.corral.cloud.config.Durations.format(duration);
    }
}
