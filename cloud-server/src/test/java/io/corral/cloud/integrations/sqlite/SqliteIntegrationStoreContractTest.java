package io.corral.cloud.integrations.sqlite;

import io.corral.cloud.integrations.store.IntegrationStore;
import io.corral.cloud.integrations.store.IntegrationStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The integration store contract on a SQLite file in a temp dir. */
class SqliteIntegrationStoreContractTest extends IntegrationStoreContract {
    @TempDir
    Path dataDir;
    private SqliteIntegrationDatabase db;

    @Override
    protected IntegrationStore openStore() {
        db = SqliteIntegrationDatabase.open(dataDir, SqliteIntegrationDatabase.Options.DEFAULTS, clock);
        return db.integrations();
    }

    @Override
    protected void closeStore() {
        db.close();
    }
}
