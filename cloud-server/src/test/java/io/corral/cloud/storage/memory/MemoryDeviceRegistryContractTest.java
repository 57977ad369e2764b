package io.corral.cloud.storage.memory;

import io.corral.cloud.registry.DeviceRegistryContract;
import io.corral.cloud.storage.Storage;

/** The registry contract on memory storage. */
class MemoryDeviceRegistryContractTest extends DeviceRegistryContract {
    @Override
    protected Storage openStorage() {
        return MemoryStorage.open();
    }
}
