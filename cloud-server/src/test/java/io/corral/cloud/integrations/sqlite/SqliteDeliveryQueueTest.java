package io.corral.cloud.integrations.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.events.Event;
import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.queue.DeliveryQueue;
import io.corral.cloud.integrations.queue.DeliveryQueueContract;
import io.corral.cloud.integrations.store.IntegrationStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The delivery-queue contract on a real SQLite file in a temp dir, and what group commit adds to it. */
class SqliteDeliveryQueueTest extends DeliveryQueueContract {

    @Test
    void one_failing_append_does_not_fail_the_others_committed_with_it() {
        Integration hook = webhook("alice", "temp");
        Event twice = event("temp", "same id");
        List<CompletableFuture<Void>> appends = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            appends.add(queue.enqueue(i == 100 ? twice : event("temp", "" + i), List.of(hook.id())));
        }
        CompletableFuture<Void> duplicate = queue.enqueue(twice, List.of(hook.id()));

        assertThatThrownBy(duplicate::join).hasCauseInstanceOf(IntegrationException.class)
                .hasMessageContaining("UNIQUE constraint failed: events.id");
        CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).join();
        assertThat(queue.counts(hook.id()).pending()).isEqualTo(200);
    }
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
            public Fixture reopen() {
                db.close();
                return open();
            }

            @Override
            public void close() {
                db.close();
            }
        };
    }
}
