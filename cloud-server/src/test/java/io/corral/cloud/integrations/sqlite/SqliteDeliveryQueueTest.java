package io.corral.cloud.integrations.sqlite;

import static io.corral.cloud.integrations.queue.DeliveryQueueContract.event;
import static io.corral.cloud.integrations.queue.DeliveryQueueContract.lease;
import static io.corral.cloud.integrations.queue.DeliveryQueueContract.webhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.events.Event;
import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the SQLite queue adds to the contract: group commit, and deliveries that outlive the process. */
class SqliteDeliveryQueueTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T00:00:00Z"));
    @TempDir
    Path dataDir;
    private SqliteIntegrationDatabase db;

    @BeforeEach
    void open() {
        db = SqliteIntegrationDatabase.open(dataDir, SqliteIntegrationDatabase.Options.DEFAULTS, clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void one_failing_append_does_not_fail_the_others_committed_with_it() {
        Integration hook = webhook(db.integrations(), "alice", "temp");
        Event twice = event("temp", "same id");
        List<CompletableFuture<Void>> appends = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            appends.add(db.queue().enqueue(i == 100 ? twice : event("temp", "" + i), List.of(hook.id())));
        }
        CompletableFuture<Void> duplicate = db.queue().enqueue(twice, List.of(hook.id()));

        assertThatThrownBy(duplicate::join).hasCauseInstanceOf(IntegrationException.class)
                .hasMessageContaining("UNIQUE constraint failed: events.id");
        CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).join();
        assertThat(db.queue().counts(hook.id()).pending()).isEqualTo(200);
    }

    @Test
    void committed_deliveries_survive_a_reopen() {
        Integration hook = webhook(db.integrations(), "alice", "temp");
        db.queue().enqueue(event("temp", "kept"), List.of(hook.id())).join();
        lease(db.queue(), "crashed-worker", 10);
        db.close();
        open();
        clock.advance(Duration.ofSeconds(31));
        assertThat(lease(db.queue(), "w", 10)).extracting(d -> d.event().dataAsText()).containsExactly("kept");
    }
}
