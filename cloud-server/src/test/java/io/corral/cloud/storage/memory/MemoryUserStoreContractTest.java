package io.corral.cloud.storage.memory;

import io.corral.cloud.registry.UserStoreContract;
import io.corral.cloud.storage.Storage;

/** The user store contract on memory storage. */
class MemoryUserStoreContractTest extends UserStoreContract {
    @Override
    protected Storage openStorage() {
        return MemoryStorage.open();
    }
}
