package io.corral.cloud.registry;

import io.corral.cloud.storage.Storage;
import io.corral.cloud.storage.sqlite.SqliteStorage;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The user store contract on SQLite storage in a temp dir. */
class SqliteUserStoreContractTest extends UserStoreContract {
    @TempDir
    Path dataDir;

    @Override
    protected Storage openStorage() {
        return SqliteStorage.open(dataDir);
    }
}
