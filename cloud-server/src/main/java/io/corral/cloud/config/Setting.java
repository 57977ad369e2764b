package io.corral.cloud.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one definition of a setting: its key, type, default, range and one line of doc, plus the name its builder
 * calls it by and, where the command line has one, its flag. Immutable; the {@code with}-style methods return a
 * copy, so a definition reads as one expression:
 *
 * <pre>{@code
 * public static final Setting<Integer> WORKERS = Setting.of("integrations.workers", SettingType.INTEGER, 2,
 *         "Integration workers in this process; 0 leaves delivery to 'corral-cloud worker' processes.")
 *         .range(0, 64).name("workers").flag("N", "--workers");
 *
 * int workers = WORKERS.check(value);   // "workers must be in [0, 64], was 65"
 * }</pre>
 *
 * @param <T> the value type
 */
public final class Setting<T> {
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*");

    private final String key;
    private final SettingType<T> type;
    private final T defaultValue;
    private final String defaultText;
    private final T min;
    private final T max;
    private final String doc;
    private final String unit;
    private final String name;
    private final List<String> flags;
    private final String paramLabel;
    private final boolean secret;

    private Setting(String key, SettingType<T> type, T defaultValue, String defaultText, T min, T max, String doc,
                    String unit, String name, List<String> flags, String paramLabel, boolean secret) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.min = min;
        this.max = max;
        this.doc = doc;
        this.unit = unit;
        this.name = name;
        this.flags = flags;
        this.paramLabel = paramLabel;
        this.secret = secret;
    }

    /**
     * A setting without range, flag or unit yet.
     *
     * @param key          lower case words joined by {@code .} and {@code -}: {@code admission.queue-wait}
     * @param defaultValue the value when nothing sets it; null for none (or one that follows other settings,
     *                     see {@link #defaultText})
     * @param doc          one sentence, for help, {@code config show} and the example file
     */
    public static <T> Setting<T> of(String key, SettingType<T> type, T defaultValue, String doc) {
        if (!KEY.matcher(Objects.requireNonNull(key, "key")).matches()) {
            throw new IllegalArgumentException("setting key must be lower-case words joined by . and -, was '" + key
                    + "'");
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(doc, "doc");
        return new Setting<>(key, type, defaultValue, null, null, null, doc, null, key, List.of(), null, false);
    }

    /** The values allowed, both included; the builder's and the command line's check. */
    public Setting<T> range(T min, T max) {
        if (!type.ordered()) {
            throw new IllegalStateException(key + ": a " + type.name() + " has no order, so no range");
        }
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (type.compare(min, max) > 0) {
            throw new IllegalArgumentException(key + ": range min above max");
        }
        if (defaultValue != null && (type.compare(defaultValue, min) < 0 || type.compare(defaultValue, max) > 0)) {
            throw new IllegalArgumentException(key + ": default outside its range");
        }
        return new Setting<>(key, type, defaultValue, defaultText, min, max, doc, unit, name, flags, paramLabel,
                secret);
    }

    /** What a number counts, where its type does not say: {@code per second}, {@code bytes}. */
    public Setting<T> unit(String unit) {
        return new Setting<>(key, type, defaultValue, defaultText, min, max, doc, Objects.requireNonNull(unit),
                name, flags, paramLabel, secret);
    }

    /** The name the owning builder's messages use: {@code maxInFlight}. Without it, the key. */
    public Setting<T> name(String name) {
        return new Setting<>(key, type, defaultValue, defaultText, min, max, doc, unit, Objects.requireNonNull(name),
                flags, paramLabel, secret);
    }

    /**
     * The command-line flag: its parameter label and names, the first one the main one. A boolean setting's flag
     * takes no parameter (pass null); it is negatable ({@code --[no-]x}) when the default is true.
     */
    public Setting<T> flag(String paramLabel, String... names) {
        if (names.length == 0) {
            throw new IllegalArgumentException(key + ": a flag needs a name");
        }
        return new Setting<>(key, type, defaultValue, defaultText, min, max, doc, unit, name, List.of(names),
                paramLabel, secret);
    }

    /** How the default reads when it follows other settings: "a quarter of admission.in-flight". */
    public Setting<T> defaultText(String text) {
        return new Setting<>(key, type, defaultValue, Objects.requireNonNull(text), min, max, doc, unit, name, flags,
                paramLabel, secret);
    }

    /** A value that {@code config show} hides, such as a routing key. */
    public Setting<T> secret() {
        return new Setting<>(key, type, defaultValue, defaultText, min, max, doc, unit, name, flags, paramLabel,
                true);
    }

    public String key() {
        return key;
    }

    public SettingType<T> type() {
        return type;
    }

    /** The default, or null when there is none or it follows other settings. */
    public T defaultValue() {
        return defaultValue;
    }

    public String doc() {
        return doc;
    }

    /** The unit of a number, or null. */
    public String unit() {
        return unit;
    }

    /** The name the owning builder's messages use. */
    public String name() {
        return name;
    }

    /** The command-line flag's names, the main one first; empty when the setting has no flag. */
    public List<String> flags() {
        return flags;
    }

    /** The flag's parameter label, or null. */
    public String paramLabel() {
        return paramLabel;
    }

    public boolean isSecret() {
        return secret;
    }

    public T min() {
        return min;
    }

    public T max() {
        return max;
    }

    /** The range in the syntax values are written in, {@code [1s, 10m]}, for help and files; null without one. */
    public String rangeAsTyped() {
        return min == null ? null : "[" + type.format(min) + ", " + type.format(max) + "]";
    }

    /** The default in the syntax values are written in, the text for one that follows others, or null. */
    public String defaultAsText() {
        return defaultValue != null ? type.format(defaultValue) : defaultText;
    }

    /**
     * The environment variable of this setting under a prefix: {@code CORRAL_} and {@code admission.queue-wait}
     * give {@code CORRAL_ADMISSION_QUEUE_WAIT}.
     */
    public String envName(String prefix) {
        return envName(prefix, key);
    }

    static String envName(String prefix, String key) {
        return prefix + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** @throws IllegalArgumentException naming the text and what is accepted */
    public T parse(String text) {
        return type.parse(text);
    }

    /** The value in the syntax {@link #parse} reads. */
    public String format(T value) {
        return type.format(value);
    }

    /**
     * Checks a value against this setting's range.
     *
     * @return the value
     * @throws SettingException naming {@link #name()}, the value and the range
     */
    public T check(T value) {
        return min == null ? Objects.requireNonNull(value, key) : check(value, min, max);
    }

    /**
     * Checks a value against a range that depends on other settings, such as {@code [1, maxInFlight]}.
     *
     * @throws SettingException naming {@link #name()}, the value and the range
     */
    public T check(T value, T min, T max) {
        if (value == null || type.compare(value, min) < 0 || type.compare(value, max) > 0) {
            throw SettingException.range(this, value, min, max);
        }
        return value;
    }

    @Override
    public String toString() {
        return key;
    }
}
