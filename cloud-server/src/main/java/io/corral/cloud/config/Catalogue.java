package io.corral.cloud.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of one command line, in the order they are documented, with its environment prefix and the key
 * prefixes it passes through to a library (such as {@code dtls.scandium.}). Immutable; it refuses two settings with
 * one key, one environment variable or one flag.
 */
public final class Catalogue {
    private final String envPrefix;
    private final List<String> foreignEnv;
    private final Map<String, Setting<?>> byKey;
    private final Map<String, Setting<?>> byEnv;
    private final Map<String, String> passThrough;

    private Catalogue(Builder b) {
        this.envPrefix = b.envPrefix;
        this.foreignEnv = List.copyOf(b.foreignEnv);
        this.byKey = b.byKey;
        this.byEnv = b.byEnv;
        this.passThrough = b.passThrough;
    }

    /**
     * A catalogue whose environment variables start with {@code envPrefix}, such as {@code CORRAL_}.
     */
    public static Builder builder(String envPrefix) {
        return new Builder(envPrefix);
    }

    /** Every setting, in documentation order. */
    public List<Setting<?>> settings() {
        return List.copyOf(byKey.values());
    }

    public Optional<Setting<?>> find(String key) {
        return Optional.ofNullable(byKey.get(key));
    }

    /** The setting of an environment variable, if it is one of ours. */
    Optional<Setting<?>> findEnv(String name) {
        return Optional.ofNullable(byEnv.get(name));
    }

    public String envPrefix() {
        return envPrefix;
    }

    /** The environment variable of a setting. */
    public String envName(Setting<?> setting) {
        return setting.envName(envPrefix);
    }

    /** Key prefixes whose keys pass through to a library, each with one line of doc. */
    public Map<String, String> passThrough() {
        return passThrough;
    }

    /** The pass-through prefix a key is under, if any. */
    Optional<String> passThroughPrefix(String key) {
        return passThrough.keySet().stream().filter(key::startsWith).findFirst();
    }

    /** The key a pass-through variable such as {@code CORRAL_DTLS_SCANDIUM_X} stands for, if it is one. */
    Optional<String> passThroughKey(String envName) {
        for (String prefix : passThrough.keySet()) {
            String envOfPrefix = Setting.envName(envPrefix, prefix.substring(0, prefix.length() - 1)) + "_";
            if (envName.startsWith(envOfPrefix) && envName.length() > envOfPrefix.length()) {
                return Optional.of(prefix + envName.substring(envOfPrefix.length()));
            }
        }
        return Optional.empty();
    }

    /** Whether an environment variable under our prefix belongs to someone else (the launchers, the simulator). */
    boolean isForeign(String envName) {
        return foreignEnv.stream().anyMatch(f -> f.endsWith("_") ? envName.startsWith(f) : envName.equals(f));
    }

    /** The known key closest to a mistyped one. */
    String nearestKey(String key) {
        return nearest(key, byKey.keySet());
    }

    /** The known variable closest to a mistyped one. */
    String nearestEnv(String name) {
        return nearest(name, byEnv.keySet());
    }

    /** The candidate at the smallest edit distance from {@code wanted}; the first of those in order on a tie. */
    public static String nearest(String wanted, Collection<String> candidates) {
        return candidates.stream().min(Comparator.comparingInt(c -> distance(wanted, c))).orElse(null);
    }

    /** Levenshtein distance, case-insensitive. */
    static int distance(String a, String b) {
        String x = a.toLowerCase(java.util.Locale.ROOT);
        String y = b.toLowerCase(java.util.Locale.ROOT);
        int[] previous = new int[y.length() + 1];
        int[] current = new int[y.length() + 1];
        for (int j = 0; j <= y.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= x.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= y.length(); j++) {
                int substitution = previous[j - 1] + (x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[y.length()];
    }

    /** Collects the settings of a {@link Catalogue}. */
    public static final class Builder {
        private final String envPrefix;
        private final List<String> foreignEnv = new ArrayList<>();
        private final Map<String, Setting<?>> byKey = new LinkedHashMap<>();
        private final Map<String, Setting<?>> byEnv = new LinkedHashMap<>();
        private final Map<String, String> flags = new LinkedHashMap<>();
        private final Map<String, String> passThrough = new LinkedHashMap<>();

        private Builder(String envPrefix) {
            if (!Objects.requireNonNull(envPrefix, "envPrefix").matches("[A-Z][A-Z0-9_]*_")) {
                throw new IllegalArgumentException("envPrefix must be upper case and end with _, was " + envPrefix);
            }
            this.envPrefix = envPrefix;
        }

        public Builder add(Collection<? extends Setting<?>> settings) {
            settings.forEach(this::add);
            return this;
        }

        public Builder add(Setting<?> setting) {
            if (byKey.putIfAbsent(setting.key(), setting) != null) {
                throw new IllegalArgumentException("two settings have the key " + setting.key());
            }
            String env = setting.envName(envPrefix);
            Setting<?> clash = byEnv.putIfAbsent(env, setting);
            if (clash != null) {
                throw new IllegalArgumentException(setting.key() + " and " + clash.key() + " share " + env);
            }
            for (String flag : setting.flags()) {
                String other = flags.putIfAbsent(flag, setting.key());
                if (other != null) {
                    throw new IllegalArgumentException(setting.key() + " and " + other + " share the flag " + flag);
                }
            }
            return this;
        }

        /**
         * Keys under {@code prefix} (ending in {@code .}) go, as they are, to a library that checks them itself.
         */
        public Builder passThrough(String prefix, String doc) {
            if (!prefix.endsWith(".")) {
                throw new IllegalArgumentException("a pass-through prefix ends with '.', was " + prefix);
            }
            passThrough.put(prefix, Objects.requireNonNull(doc, "doc"));
            return this;
        }

        /**
         * An environment variable under the prefix that is not a setting: a name, or a prefix ending in
         * {@code _} such as another tool's {@code CORRAL_SIM_}.
         */
        public Builder foreignEnv(String nameOrPrefix) {
            foreignEnv.add(nameOrPrefix);
            return this;
        }

        public Catalogue build() {
            return new Catalogue(this);
        }
    }
}
