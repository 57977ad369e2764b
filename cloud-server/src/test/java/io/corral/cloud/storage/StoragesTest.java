package io.corral.cloud.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.storage.memory.MemoryStorage;
import io.corral.cloud.storage.sqlite.SqliteStorage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The storage setting: the forms it takes, the errors for the others, and the storage each opens. */
class StoragesTest {
    private static final SqliteIntegrationDatabase.Options DEFAULTS = SqliteIntegrationDatabase.Options.DEFAULTS;

    @TempDir
    Path tmp;

    @Test
    void the_forms_it_takes() {
        assertThat(StorageSpec.parse("memory")).isEqualTo(new StorageSpec.Memory());
        assertThat(StorageSpec.parse(" memory\n")).as("blanks around it").isEqualTo(new StorageSpec.Memory());
        assertThat(StorageSpec.parse("sqlite:corral-data")).isEqualTo(new StorageSpec.Sqlite(Path.of("corral-data")));
        assertThat(StorageSpec.parse("sqlite:/var/lib/corral")).hasToString("sqlite:/var/lib/corral");
        assertThat(StorageSpec.parse("sqlite:a:b")).as("only the first colon splits")
                .isEqualTo(new StorageSpec.Sqlite(Path.of("a:b")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "bogus|'bogus' is not a storage: use sqlite:DIR or memory",
            "''|'' is not a storage: use sqlite:DIR or memory",
            "Memory|'Memory' is not a storage: use sqlite:DIR or memory",
            "sqlite:|'sqlite:' is not a storage: use sqlite:DIR or memory (sqlite: needs a directory)",
            "'sqlite: '|'sqlite:' is not a storage: use sqlite:DIR or memory (sqlite: needs a directory)",
            "memory:x|'memory:x' is not a storage: use sqlite:DIR or memory (memory takes nothing after it)",
            "postgresql://db/corral|'postgresql://db/corral' is not a storage: use sqlite:DIR or memory"})
    void any_other_value_is_refused_naming_the_value_and_the_forms(String value, String message) {
        assertThatThrownBy(() -> StorageSpec.parse(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
        assertThatThrownBy(() -> Storages.open(value, DEFAULTS)).hasMessage(message);
    }

    @Test
    void null_is_refused_too() {
        assertThatThrownBy(() -> StorageSpec.parse(null)).hasMessage("null is not a storage: use sqlite:DIR or memory");
    }

    @Test
    void memory_opens_memory_storage_with_nothing_on_disk() {
        try (Storage storage = Storages.open("memory", DEFAULTS)) {
            assertThat(storage).isInstanceOf(MemoryStorage.class);
            assertThat(storage.describe()).isEqualTo("memory");
            assertThat(storage.directory()).isEmpty();
            storage.registry().ensureOwner("alice");
            assertThat(storage.tokens().create("alice", false, null).record().owner()).isEqualTo("alice");
        }
    }

    @Test
    void sqlite_opens_its_files_on_first_use_and_describes_itself_with_the_absolute_directory() {
        Path dir = tmp.resolve("data");
        try (Storage storage = Storages.open("sqlite:" + dir, DEFAULTS)) {
            assertThat(storage).isInstanceOf(SqliteStorage.class);
            assertThat(storage.describe()).isEqualTo("sqlite:" + dir.toAbsolutePath());
            assertThat(storage.directory()).hasValue(dir.toAbsolutePath());
            assertThat(dir).doesNotExist();

            storage.registry().ensureOwner("alice");

            assertThat(dir.resolve("corral.db")).isRegularFile();
            assertThat(dir.resolve("integrations.db")).doesNotExist();
        }
    }

    @Test
    void a_closed_memory_storage_refuses_its_parts_and_their_calls() {
        Storage storage = MemoryStorage.open();
        var registry = storage.registry();
        var queue = storage.deliveryQueue();
        storage.close();
        storage.close(); // idempotent

        assertThatThrownBy(storage::registry).hasMessage("storage memory is closed");
        assertThatThrownBy(registry::owners).hasMessage("registry memory is closed");
        assertThatThrownBy(() -> queue.counts(null)).hasMessage("delivery queue memory is closed");
        assertThat(queue.lease("w", 1, java.time.Duration.ofSeconds(1))).isCompletedExceptionally();
    }
}
