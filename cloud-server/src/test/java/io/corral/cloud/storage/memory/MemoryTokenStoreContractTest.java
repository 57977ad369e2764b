package io.corral.cloud.storage.memory;

import io.corral.cloud.registry.TokenStoreContract;
import io.corral.cloud.storage.Storage;

/** The token store contract on memory storage. */
class MemoryTokenStoreContractTest extends TokenStoreContract {
    @Override
    protected Storage openStorage() {
        return MemoryStorage.open();
    }
}
