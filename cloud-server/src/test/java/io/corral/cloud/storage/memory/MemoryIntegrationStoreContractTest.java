package io.corral.cloud.storage.memory;

import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.integrations.store.IntegrationStore;
import io.corral.cloud.integrations.store.IntegrationStoreContract;

/** The integration store contract on memory storage. */
class MemoryIntegrationStoreContractTest extends IntegrationStoreContract {
    private MemoryStorage storage;

    @Override
    protected IntegrationStore openStore() {
        storage = MemoryStorage.open(SqliteIntegrationDatabase.Options.DEFAULTS, clock);
        return storage.integrations();
    }

    @Override
    protected void closeStore() {
        storage.close();
    }
}
