package io.corral.cloud.integrations.sqlite;

import io.corral.cloud.integrations.queue.DeliveryQueue;
import io.corral.cloud.integrations.queue.DeliveryQueueContract;
import io.corral.cloud.integrations.store.IntegrationStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The delivery-queue contract on a SQLite file in a temp dir. */
class SqliteDeliveryQueueContractTest extends DeliveryQueueContract {
    @TempDir
    Path dataDir;

    @Override
    protected Fixture open() {
        SqliteIntegrationDatabase db = SqliteIntegrationDatabase.open(dataDir,
                SqliteIntegrationDatabase.Options.DEFAULTS, clock);
        return new Fixture() {
            @Override
            public DeliveryQueue queue() {
                return db.queue();
            }

            @Override
            public IntegrationStore store() {
                return db.integrations();
            }

            @Override
            public void close() {
                db.close();
            }
        };
    }
}
