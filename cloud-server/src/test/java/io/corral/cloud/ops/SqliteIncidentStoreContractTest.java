package io.corral.cloud.ops;

import io.corral.cloud.storage.Storage;
import io.corral.cloud.storage.sqlite.SqliteStorage;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The incident store contract on SQLite storage in a temp dir. */
class SqliteIncidentStoreContractTest extends IncidentStoreContract {
    @TempDir
    Path dataDir;

    @Override
    protected Storage openStorage() {
        return SqliteStorage.open(dataDir);
    }
}
