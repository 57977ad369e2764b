package io.corral.cloud.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The values of a {@link Catalogue}'s settings and where each came from, resolved once with the precedence
 * flag &gt; environment &gt; file &gt; default. Immutable.
 *
 * <pre>{@code
 * SettingValues values = SettingValues.resolve(catalogue, flags, System.getenv(), Path.of("corral.properties"));
 * int workers = values.get(IntegrationKeys.WORKERS);
 * }</pre>
 *
 * <p>Every error names what the user wrote: the flag ({@code --admission-rate}), the environment variable
 * ({@code CORRAL_ADMISSION_RATE}) or the key and its file ({@code admission.rate in corral.properties}).
 */
public final class SettingValues {
    /** Where a value came from. */
    public enum Source {
        FLAG, ENV, FILE, DEFAULT;

        /** {@code flag}, {@code env}, {@code file}, {@code default}: as {@code config show} prints it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Where a value came from, and the name the user gave it there.
     *
     * @param name the flag, the environment variable or the key
     * @param file the settings file, for {@link Source#FILE}; else null
     */
    public record Origin(Source source, String name, Path file) {
        /** How messages call the setting: {@code --x}, {@code CORRAL_X}, {@code x.y in FILE}, {@code x.y}. */
        @Override
        public String toString() {
            return source == Source.FILE ? name + " in " + file : name;
        }
    }

    /** A flag given on the command line, with its text. */
    public record Flag(String name, String text) {
    }

    /** One row of {@code config show}. */
    public record Entry(Setting<?> setting, String value, String defaultValue, Source source) {
    }

    private record Raw(String text, Origin origin) {
    }

    private final Catalogue catalogue;
    private final Map<Setting<?>, Raw> explicit;
    private final Map<String, Raw> passThrough;

    private SettingValues(Catalogue catalogue, Map<Setting<?>, Raw> explicit, Map<String, Raw> passThrough) {
        this.catalogue = catalogue;
        this.explicit = explicit;
        this.passThrough = passThrough;
    }

    /**
     * Resolves the values of a catalogue's settings.
     *
     * @param flags       the flags given, by setting (their syntax already checked by the parser)
     * @param environment the process environment; only variables under the catalogue's prefix are read
     * @param file        a Java properties file, or null for none
     * @throws SettingException     for an unknown key or variable (naming the nearest known one) or a value that
     *                              is not of its setting's type
     * @throws UncheckedIOException if the file cannot be read
     */
    public static SettingValues resolve(Catalogue catalogue, Map<Setting<?>, Flag> flags,
                                        Map<String, String> environment, Path file) {
        Map<Setting<?>, Raw> explicit = new LinkedHashMap<>();
        Map<String, Raw> passThrough = new TreeMap<>();
        if (file != null) {
            fromFile(catalogue, file, explicit, passThrough);
        }
        fromEnvironment(catalogue, environment, explicit, passThrough);
        flags.forEach((setting, flag) -> explicit.put(setting, new Raw(flag.text(), new Origin(Source.FLAG,
                flag.name(), null))));
        for (Map.Entry<Setting<?>, Raw> entry : explicit.entrySet()) {
            parse(entry.getKey(), entry.getValue());
        }
        return new SettingValues(catalogue, explicit, passThrough);
    }

    private static void fromFile(Catalogue catalogue, Path file, Map<Setting<?>, Raw> explicit,
                                 Map<String, Raw> passThrough) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new UncheckedIOException("cannot read settings file " + file + ": " + e,
                    e instanceof IOException io ? io : new IOException(e));
        }
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            String text = properties.getProperty(key).strip();
            Origin origin = new Origin(Source.FILE, key, file);
            Optional<Setting<?>> setting = catalogue.find(key);
            if (setting.isPresent()) {
                explicit.put(setting.get(), new Raw(text, origin));
            } else if (catalogue.passThroughPrefix(key).isPresent()) {
                passThrough.put(key, new Raw(text, origin));
            } else {
                throw SettingException.general("unknown key '" + key + "' in " + file + "; the nearest known key is '"
                        + catalogue.nearestKey(key) + "'");
            }
        }
    }

    private static void fromEnvironment(Catalogue catalogue, Map<String, String> environment,
                                        Map<Setting<?>, Raw> explicit, Map<String, Raw> passThrough) {
        for (String name : new TreeMap<>(environment).keySet()) {
            if (!name.startsWith(catalogue.envPrefix()) || catalogue.isForeign(name)) {
                continue;
            }
            Origin origin = new Origin(Source.ENV, name, null);
            String text = environment.get(name).strip();
            Optional<Setting<?>> setting = catalogue.findEnv(name);
            Optional<String> passThroughKey = catalogue.passThroughKey(name);
            if (setting.isPresent()) {
                explicit.put(setting.get(), new Raw(text, origin));
            } else if (passThroughKey.isPresent()) {
                passThrough.put(passThroughKey.get(), new Raw(text, origin));
            } else {
                String nearest = catalogue.nearestEnv(name);
                throw SettingException.general("unknown setting " + name + " in the environment; the nearest known "
                        + "one is " + nearest + " (" + catalogue.findEnv(nearest).orElseThrow().key() + ")");
            }
        }
    }

    private static <T> T parse(Setting<T> setting, Raw raw) {
        try {
            return setting.parse(raw.text());
        } catch (IllegalArgumentException e) {
            throw SettingException.of(setting, name -> "Invalid value for " + raw.origin() + ": " + e.getMessage());
        }
    }

    /**
     * The value of a setting, checked against its range; its default when nothing set it (null for a setting
     * without default).
     *
     * @throws SettingException naming where the value came from, the value and the range
     */
    public <T> T get(Setting<T> setting) {
        Raw raw = explicit.get(requireKnown(setting));
        if (raw == null) {
            return setting.defaultValue();
        }
        T value = parse(setting, raw);
        try {
            return setting.check(value);
        } catch (SettingException e) {
            String message = explain(e);
            throw SettingException.of(setting, name -> message);
        }
    }

    /** Whether a flag, the environment or the file set this setting. */
    public boolean isSet(Setting<?> setting) {
        return explicit.containsKey(requireKnown(setting));
    }

    /** Where the value of a setting came from. */
    public Origin origin(Setting<?> setting) {
        Raw raw = explicit.get(requireKnown(setting));
        return raw != null ? raw.origin() : new Origin(Source.DEFAULT, setting.key(), null);
    }

    /** The pass-through keys under {@code prefix} that were set, by their name after the prefix, in key order. */
    public Map<String, String> passThrough(String prefix) {
        Map<String, String> values = new LinkedHashMap<>();
        passThrough.forEach((key, raw) -> {
            if (key.startsWith(prefix)) {
                values.put(key.substring(prefix.length()), raw.text());
            }
        });
        return values;
    }

    /** Where a pass-through key came from. */
    public Origin passThroughOrigin(String key) {
        return Objects.requireNonNull(passThrough.get(key), key).origin();
    }

    /**
     * A builder's message about a setting (which names the builder's field), said again with the name the user
     * gave the value: {@code rate must be in [10, 100], was 200} becomes
     * {@code --admission-rate must be in [10, 100], was 200 (full handshakes per second)}.
     */
    public String explain(SettingException e) {
        Setting<?> setting = e.setting();
        if (setting == null || !catalogue.find(setting.key()).filter(s -> s == setting).isPresent()) {
            return e.getMessage();
        }
        String message = e.messageFor(origin(setting).toString());
        return e.outOfRange() && setting.unit() != null ? message + " (" + setting.unit() + ")" : message;
    }

    /** Every setting with its value as written, its default and where it came from: {@code config show}. */
    public List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        for (Setting<?> setting : catalogue.settings()) {
            entries.add(entry(setting));
        }
        return entries;
    }

    private <T> Entry entry(Setting<T> setting) {
        String defaultText = setting.defaultAsText();
        Raw raw = explicit.get(setting);
        if (raw == null) {
            return new Entry(setting, defaultText, defaultText, Source.DEFAULT);
        }
        String value = setting.isSecret() ? "(hidden)" : setting.format(parse(setting, raw));
        return new Entry(setting, value, defaultText, raw.origin().source());
    }

    private Setting<?> requireKnown(Setting<?> setting) {
        if (catalogue.find(setting.key()).orElse(null) != setting) {
            throw new IllegalArgumentException(setting.key() + " is not a setting of this catalogue");
        }
        return setting;
    }
}
