package io.corral.cloud.storage.memory;

import io.corral.cloud.integrations.queue.DeliveryQueue;
import io.corral.cloud.integrations.queue.DeliveryQueueContract;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.integrations.store.IntegrationStore;

/** The delivery-queue contract on memory storage. */
class MemoryDeliveryQueueContractTest extends DeliveryQueueContract {
    @Override
    protected Fixture open() {
        MemoryStorage storage = MemoryStorage.open(SqliteIntegrationDatabase.Options.DEFAULTS, clock);
        return new Fixture() {
            @Override
            public DeliveryQueue queue() {
                return storage.deliveryQueue();
            }

            @Override
            public IntegrationStore store() {
                return storage.integrations();
            }

            @Override
            public void close() {
                storage.close();
            }
        };
    }
}
