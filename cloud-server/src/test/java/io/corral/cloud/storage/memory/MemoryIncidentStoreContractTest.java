package io.corral.cloud.storage.memory;

import io.corral.cloud.ops.IncidentStoreContract;
import io.corral.cloud.storage.Storage;

/** The incident store contract on memory storage. */
class MemoryIncidentStoreContractTest extends IncidentStoreContract {
    @Override
    protected Storage openStorage() {
        return MemoryStorage.open();
    }
}
