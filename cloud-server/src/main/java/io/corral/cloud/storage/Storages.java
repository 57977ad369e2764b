package io.corral.cloud.storage;

import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.storage.memory.MemoryStorage;
import io.corral.cloud.storage.sqlite.SqliteStorage;
import java.util.Objects;

/**
 * Opens the {@link Storage} that the {@code storage} setting names.
 *
 * <pre>{@code
 * try (Storage storage = Storages.open("sqlite:corral-data", SqliteIntegrationDatabase.Options.DEFAULTS)) {
 *     storage.registry().owners().forEach(System.out::println);
 * }
 * }</pre>
 */
public final class Storages {
    private Storages() {
    }

    /**
     * Parses {@code spec} ({@link StorageSpec#parse}) and opens that storage.
     *
     * @param queueOptions how the delivery queue commits; the memory queue uses only {@code attemptsKept}
     * @throws IllegalArgumentException naming the key {@code storage}, the value and the allowed forms
     */
    public static Storage open(String spec, SqliteIntegrationDatabase.Options queueOptions) {
        return open(StorageSpec.parse(spec), queueOptions);
    }

    /** Opens the storage {@code spec} names; a SQLite directory is created when its first part is opened. */
    public static Storage open(StorageSpec spec, SqliteIntegrationDatabase.Options queueOptions) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(queueOptions, "queueOptions");
        return switch (spec) {
            case StorageSpec.Sqlite sqlite -> SqliteStorage.open(sqlite.directory(), queueOptions);
            case StorageSpec.Memory memory -> MemoryStorage.open(queueOptions);
        };
    }
}
