package io.corral.cloud.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * A value a setting cannot take. It keeps the setting and can say the same thing under another name, so that the
 * builder that refused the value names its own field ({@code rate must be in [1, 100000], was 0}) and the command
 * line the flag, variable or key the value came from ({@code --admission-rate must be in ...}), without reading
 * the message back.
 */
public final class SettingException extends IllegalArgumentException {
    private final transient Setting<?> setting;
    private final transient Function<String, String> message;
    private final boolean outOfRange;

    private SettingException(Setting<?> setting, Function<String, String> message, boolean outOfRange) {
        super(message.apply(setting == null ? "" : setting.name()));
        this.setting = setting;
        this.message = message;
        this.outOfRange = outOfRange;
    }

    /** A value outside {@code [min, max]}: the one range message of Corral. */
    static <T> SettingException range(Setting<T> setting, T value, T min, T max) {
        SettingType<T> type = setting.type();
        String range = "[" + type.describe(min) + ", " + type.describe(max) + "]";
        String was = value == null ? "nothing" : type.describe(value);
        return new SettingException(setting, name -> name + " must be in " + range + ", was " + was, true);
    }

    /**
     * Another rule of a setting, such as one value that must not be below another.
     *
     * @param message the message, given the name to call the setting by
     */
    public static SettingException of(Setting<?> setting, Function<String, String> message) {
        return new SettingException(Objects.requireNonNull(setting, "setting"), message, false);
    }

    /** A problem that belongs to no one setting: an unknown key, a file that cannot be read. */
    public static SettingException general(String message) {
        return new SettingException(null, name -> message, false);
    }

    /** The setting, or null if the problem is not one setting's. */
    public Setting<?> setting() {
        return setting;
    }

    /** Whether the value is outside the setting's range. */
    public boolean outOfRange() {
        return outOfRange;
    }

    /** The same message with the setting called {@code name}: a flag, an environment variable, a key. */
    public String messageFor(String name) {
        return message.apply(name);
    }
}
