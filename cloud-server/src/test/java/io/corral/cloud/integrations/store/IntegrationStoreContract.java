package io.corral.cloud.integrations.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.IntegrationException.Reason;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.IntegrationSpec;
import io.corral.cloud.integrations.model.MqttSettings;
import io.corral.cloud.integrations.model.WebhookSettings;
import io.corral.cloud.testkit.MutableClock;
import io.corral.cloud.testkit.Race;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link IntegrationStore} must do. An implementation's test extends this and opens a store that reads
 * {@link #clock}, a clock the test moves by hand. How pausing and deleting act on queued deliveries is the
 * delivery queue's contract.
 */
public abstract class IntegrationStoreContract {
    protected final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T00:00:00Z"));
    protected IntegrationStore store;

    /** A fresh, empty store that reads {@link #clock}. */
    protected abstract IntegrationStore openStore();

    /** Closes what {@link #openStore()} opened. */
    protected abstract void closeStore();

    @BeforeEach
    void open() {
        store = openStore();
    }

    @AfterEach
    void close() {
        closeStore();
    }

    private Integration webhook(String owner, String prefix) {
        return store.create(owner, spec(prefix, "http://127.0.0.1:9/in"));
    }

    private static IntegrationSpec spec(String prefix, String url) {
        return IntegrationSpec.builder().eventPrefix(prefix).target(WebhookSettings.builder().url(url).build()).build();
    }

    private static void assertNotFound(ThrowingCallable call, String id) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IntegrationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND)).hasMessage("no integration " + id);
    }

    @Test
    void the_store_lists_by_owner_and_tracks_changes() {
        long before = store.changeCount();
        Integration a = webhook("alice", "temp");
        webhook("bob", "temp");
        assertThat(store.list("alice")).extracting(Integration::id).containsExactly(a.id());
        assertThat(store.listAll()).hasSize(2);
        assertThat(store.changeCount()).isGreaterThan(before);

        Integration updated = store.update(a.id(), IntegrationSpec.builder().eventPrefix("humidity")
                .target(WebhookSettings.builder().url("https://example.com/h").method("PUT").build()).build());
        assertThat(updated.version()).isEqualTo(2);
        assertThat(updated.spec().eventPrefix()).isEqualTo("humidity");
        assertThat(store.find(a.id()).orElseThrow().spec().target())
                .isEqualTo(WebhookSettings.builder().url("https://example.com/h").method("PUT").build());
        assertThatThrownBy(() -> store.delete("int_0000000000000000"))
                .hasMessage("no integration int_0000000000000000");
    }

    @Test
    void an_mqtt_integration_gets_a_client_id_of_its_own() {
        Integration mqtt = store.create("alice", IntegrationSpec.builder().eventPrefix("temp")
                .target(MqttSettings.builder().broker("tcp://127.0.0.1:1883").topic("t").build()).build());
        assertThat(((MqttSettings) mqtt.spec().target()).clientId()).isEqualTo("corral-" + mqtt.id());
        assertThat(((MqttSettings) store.find(mqtt.id()).orElseThrow().spec().target()).clientId())
                .isEqualTo("corral-" + mqtt.id());
    }

    @Test
    void an_mqtt_integration_keeps_its_client_id_through_an_update_that_names_none() {
        Integration mqtt = store.create("alice", IntegrationSpec.builder().eventPrefix("temp")
                .target(MqttSettings.builder().broker("tcp://127.0.0.1:1883").topic("t").clientId("mine").build())
                .build());

        Integration updated = store.update(mqtt.id(), IntegrationSpec.builder().eventPrefix("temp")
                .target(MqttSettings.builder().broker("tcp://127.0.0.1:1883").topic("other").build()).build());

        assertThat(((MqttSettings) updated.spec().target()).clientId()).isEqualTo("mine");
        assertThat(((MqttSettings) updated.spec().target()).topic()).isEqualTo("other");
    }

    @Test
    void a_new_integration_is_found_with_its_owner_times_and_first_version() {
        Integration created = webhook("alice", "temp");

        assertThat(created.id()).matches("int_[0-9a-f]{16}");
        assertThat(store.find(created.id())).hasValueSatisfying(found -> {
            assertThat(found.owner()).isEqualTo("alice");
            assertThat(found.paused()).isFalse();
            assertThat(found.version()).isEqualTo(1);
            assertThat(found.created()).isEqualTo(clock.instant());
            assertThat(found.updated()).isEqualTo(clock.instant());
            assertThat(found.spec()).isEqualTo(spec("temp", "http://127.0.0.1:9/in"));
        });
    }

    @Test
    void integrations_are_listed_oldest_first() {
        Integration first = webhook("alice", "a");
        clock.advance(Duration.ofSeconds(1));
        Integration other = webhook("bob", "b");
        clock.advance(Duration.ofSeconds(1));
        Integration second = webhook("alice", "c");

        assertThat(store.list("alice")).extracting(Integration::id).containsExactly(first.id(), second.id());
        assertThat(store.listAll()).extracting(Integration::id).containsExactly(first.id(), other.id(), second.id());
        assertThat(store.list("carol")).isEmpty();
    }

    @Test
    void pausing_and_resuming_bump_the_version_and_the_change_count() {
        Integration hook = webhook("alice", "temp");
        long before = store.changeCount();
        clock.advance(Duration.ofSeconds(5));

        Integration paused = store.setPaused(hook.id(), true);
        Integration resumed = store.setPaused(hook.id(), false);

        assertThat(paused.paused()).isTrue();
        assertThat(paused.version()).isEqualTo(2);
        assertThat(paused.updated()).isEqualTo(clock.instant());
        assertThat(resumed.paused()).isFalse();
        assertThat(resumed.version()).isEqualTo(3);
        assertThat(store.changeCount()).isGreaterThanOrEqualTo(before + 2);
    }

    @Test
    void a_deleted_integration_is_gone_and_counts_as_a_change() {
        Integration hook = webhook("alice", "temp");
        long before = store.changeCount();

        store.delete(hook.id());

        assertThat(store.find(hook.id())).isEmpty();
        assertThat(store.listAll()).isEmpty();
        assertThat(store.changeCount()).isGreaterThan(before);
    }

    @Test
    void changing_an_integration_that_does_not_exist_is_not_found() {
        String missing = "int_0000000000000000";
        assertThat(store.find(missing)).isEmpty();
        assertThat(store.find(null)).isEmpty();
        assertNotFound(() -> store.update(missing, spec("temp", "http://127.0.0.1:9/in")), missing);
        assertNotFound(() -> store.setPaused(missing, true), missing);
        assertNotFound(() -> store.delete(missing), missing);
        Integration deleted = webhook("alice", "temp");
        store.delete(deleted.id());
        assertNotFound(() -> store.delete(deleted.id()), deleted.id());
    }

    @Test
    void an_owner_out_of_range_is_rejected_naming_the_field() {
        assertThatThrownBy(() -> webhook("", "temp"))
                .isInstanceOfSatisfying(IntegrationException.class, e -> assertThat(e.field()).isEqualTo("owner"))
                .hasMessage("owner: must be 1..64 characters");
        assertThat(store.listAll()).isEmpty();
    }

    // ---- two writers on the same record ----

    @Test
    void two_writers_updating_one_integration_at_once_both_count() {
        Integration hook = webhook("alice", "temp");
        long before = store.changeCount();

        Race.repeat(2, 25, (racer, round) -> store.update(hook.id(), spec("w" + racer + "/" + round, "http://127.0.0.1:9/in")));

        Integration last = store.find(hook.id()).orElseThrow();
        assertThat(last.version()).isEqualTo(1 + 50);
        assertThat(last.spec().eventPrefix()).isIn("w0/24", "w1/24");
        assertThat(store.changeCount()).isGreaterThanOrEqualTo(before + 50);
    }

    @Test
    void pausing_and_updating_at_once_lose_neither_change() {
        for (int round = 0; round < 20; round++) {
            Integration hook = webhook("alice", "temp");

            Race.run(2, racer -> racer == 0 ? store.setPaused(hook.id(), true)
                    : store.update(hook.id(), spec("changed", "http://127.0.0.1:9/in")));

            Integration now = store.find(hook.id()).orElseThrow();
            assertThat(now.paused()).isTrue();
            assertThat(now.spec().eventPrefix()).isEqualTo("changed");
            assertThat(now.version()).isEqualTo(3);
        }
    }

    @Test
    void two_writers_deleting_one_integration_at_once_one_deletes_the_other_is_told_it_is_gone() {
        for (int round = 0; round < 20; round++) {
            Integration hook = webhook("alice", "temp");

            List<Race.Outcome<Void>> outcomes = Race.run(2, racer -> {
                store.delete(hook.id());
                return null;
            });

            assertThat(outcomes).filteredOn(Race.Outcome::succeeded).hasSize(1);
            assertThat(outcomes).filteredOn(o -> !o.succeeded()).singleElement()
                    .satisfies(lost -> assertNotFound(() -> { throw lost.failure(); }, hook.id()));
        }
        assertThat(store.listAll()).isEmpty();
    }

    @Test
    void integrations_created_at_once_get_ids_of_their_own() {
        Race.repeat(4, 25, (racer, round) -> webhook("owner-" + racer, "p" + round));

        assertThat(store.listAll()).hasSize(100).extracting(Integration::id).doesNotHaveDuplicates();
        assertThat(store.list("owner-2")).hasSize(25);
    }
}
