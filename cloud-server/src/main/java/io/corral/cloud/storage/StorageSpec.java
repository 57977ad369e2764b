package io.corral.cloud.storage;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The value of the {@code storage} setting, parsed: which {@link Storage} to open. {@link Storages#open} turns
 * it into one.
 *
 * <ul>
 *   <li>{@code sqlite:DIR}: the embedded single-node storage, SQLite files in {@code DIR}; the default, and what
 *       {@code --data DIR} is short for.</li>
 *   <li>{@code memory}: nothing on disk, gone when the process ends; for demos, tests and the simulator.</li>
 * </ul>
 *
 * <pre>{@code
 * StorageSpec spec = StorageSpec.parse("sqlite:corral-data");   // or "memory"
 * }</pre>
 */
public sealed interface StorageSpec {

    /** The setting's key. */
    String KEY = "storage";

    /** The allowed forms, as errors list them. */
    String FORMS = "sqlite:DIR or memory";

    /** SQLite files in {@code directory}, as given (relative paths stay relative until opened). */
    record Sqlite(Path directory) implements StorageSpec {
        public Sqlite {
            Objects.requireNonNull(directory, "directory");
        }

        @Override
        public String toString() {
            return "sqlite:" + directory;
        }
    }

    /** Everything in memory. */
    record Memory() implements StorageSpec {
        @Override
        public String toString() {
            return "memory";
        }
    }

    /**
     * Parses a {@code storage} value, leading and trailing blanks ignored: the scheme before the first colon picks
     * the engine. This is the one parser of the setting: {@code --storage}, {@code CORRAL_STORAGE} and the
     * {@code storage} key of a settings file read their value with it.
     *
     * @throws IllegalArgumentException naming the value and the allowed forms, in the words of the settings'
     *                                  other types, such as {@code 'disk' is not a storage: use sqlite:DIR or memory}
     */
    static StorageSpec parse(String text) {
        if (text == null) {
            throw invalid(null, null);
        }
        String value = text.strip();
        int colon = value.indexOf(':');
        String scheme = colon < 0 ? value : value.substring(0, colon);
        String rest = colon < 0 ? null : value.substring(colon + 1);
        // One case per engine; the cluster issue adds postgresql:// here.
        return switch (scheme) {
            case "memory" -> {
                if (rest != null) {
                    throw invalid(value, "memory takes nothing after it");
                }
                yield new Memory();
            }
            case "sqlite" -> {
                if (rest == null || rest.isBlank()) {
                    throw invalid(value, "sqlite: needs a directory");
                }
                try {
                    yield new Sqlite(Path.of(rest));
                } catch (InvalidPathException e) {
                    throw invalid(value, "not a directory name: " + e.getReason());
                }
            }
            default -> throw invalid(value, null);
        };
    }

    private static IllegalArgumentException invalid(String value, String why) {
        return new IllegalArgumentException((value == null ? "null" : "'" + value + "'") + " is not a " + KEY
                + ": use " + FORMS + (why == null ? "" : " (" + why + ")"));
    }
}
