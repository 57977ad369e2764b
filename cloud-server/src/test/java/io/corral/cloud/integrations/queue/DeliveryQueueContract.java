package io.corral.cloud.integrations.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.events.Event;
import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.model.Attempt;
import io.corral.cloud.integrations.model.Delivery;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.IntegrationSpec;
import io.corral.cloud.integrations.model.MqttSettings;
import io.corral.cloud.integrations.model.WebhookSettings;
import io.corral.cloud.integrations.store.IntegrationStore;
import io.corral.cloud.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DeliveryQueue} (with its {@link IntegrationStore}) must do. An implementation's test extends
 * this and provides the factory; time is a {@link MutableClock} the test moves by hand.
 */
public abstract class DeliveryQueueContract {
    protected final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T00:00:00Z"));
    private Fixture fixture;
    protected DeliveryQueue queue;
    protected IntegrationStore store;

    /** A queue and the store of its integrations, sharing {@link #clock}. */
    protected interface Fixture extends AutoCloseable {
        DeliveryQueue queue();

        IntegrationStore store();

        /** Closes and opens the same storage again, as a restart would. */
        Fixture reopen();

        @Override
        void close();
    }

    protected abstract Fixture open();

    @BeforeEach
    void setUp() {
        fixture = open();
        queue = fixture.queue();
        store = fixture.store();
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    protected Integration webhook(String owner, String prefix) {
        return store.create(owner, IntegrationSpec.builder().eventPrefix(prefix)
                .target(WebhookSettings.builder().url("http://127.0.0.1:9/in").build()).build());
    }

    protected static Event event(String name, String data) {
        return Event.create(name, data.getBytes(StandardCharsets.UTF_8), Event.TEXT_PLAIN, 60,
                "0123456789abcdef01234567", "alice");
    }

    private Attempt attempt(Delivery d, Attempt.Outcome outcome, String error) {
        return new Attempt(d.integrationId(), d.id(), d.event().id(), d.attempt(), clock.instant(), outcome,
                error == null ? 200 : 500, Duration.ofMillis(3), error, d.leaseOwner());
    }

    private List<Delivery> lease(String worker, int max) {
        return queue.lease(worker, max, Duration.ofSeconds(30)).join();
    }

    @Test
    void an_enqueued_event_is_leased_with_its_data_and_completed_once() {
        Integration hook = webhook("alice", "temp");
        Event event = event("temp/kitchen", "21.5");
        queue.enqueue(event, List.of(hook.id())).join();

        List<Delivery> leased = lease("w1", 10);
        assertThat(leased).hasSize(1);
        Delivery d = leased.get(0);
        assertThat(d.integrationId()).isEqualTo(hook.id());
        assertThat(d.event().id()).isEqualTo(event.id());
        assertThat(d.event().dataAsText()).isEqualTo("21.5");
        assertThat(d.event().deviceId()).isEqualTo(event.deviceId());
        assertThat(d.attempt()).isEqualTo(1);
        assertThat(d.firstFailureAt()).isNull();
        assertThat(lease("w2", 10)).as("leased deliveries are not handed out twice").isEmpty();

        assertThat(queue.complete(d, attempt(d, Attempt.Outcome.DELIVERED, null)).join()).isTrue();
        clock.advance(Duration.ofMinutes(5));
        assertThat(lease("w2", 10)).isEmpty();
        assertThat(queue.counts(hook.id()).total()).isZero();
        assertThat(queue.recentAttempts(hook.id(), 10)).singleElement()
                .satisfies(a -> assertThat(a.outcome()).isEqualTo(Attempt.Outcome.DELIVERED));
    }

    @Test
    void one_event_for_two_integrations_makes_two_deliveries() {
        Integration a = webhook("alice", "temp");
        Integration b = webhook("alice", "");
        queue.enqueue(event("temp", "1"), List.of(a.id(), b.id())).join();
        assertThat(lease("w", 10)).extracting(Delivery::integrationId).containsExactlyInAnyOrder(a.id(), b.id());
    }

    @Test
    void a_lapsed_lease_makes_the_delivery_due_again_and_the_late_worker_is_refused() {
        Integration hook = webhook("alice", "temp");
        queue.enqueue(event("temp", "1"), List.of(hook.id())).join();
        Delivery first = lease("slow", 1).get(0);

        clock.advance(Duration.ofSeconds(31));
        Delivery second = lease("fast", 1).get(0);
        assertThat(second.id()).isEqualTo(first.id());

        assertThat(queue.complete(first, attempt(first, Attempt.Outcome.DELIVERED, null)).join())
                .as("the slow worker's lease is gone").isFalse();
        assertThat(queue.complete(second, attempt(second, Attempt.Outcome.DELIVERED, null)).join()).isTrue();
    }

    @Test
    void released_leases_are_due_at_once() {
        Integration hook = webhook("alice", "temp");
        for (int i = 0; i < 3; i++) {
            queue.enqueue(event("temp", "" + i), List.of(hook.id())).join();
        }
        assertThat(lease("dead-worker", 10)).hasSize(3);
        assertThat(queue.releaseLeases("dead-worker").join()).isEqualTo(3);
        assertThat(lease("replacement", 10)).hasSize(3);
    }

    @Test
    void a_retry_waits_until_its_time_and_counts_the_failure() {
        Integration hook = webhook("alice", "temp");
        queue.enqueue(event("temp", "1"), List.of(hook.id())).join();
        Delivery d = lease("w", 1).get(0);
        assertThat(queue.retryLater(d, attempt(d, Attempt.Outcome.RETRY, "HTTP 500"),
                clock.instant().plusSeconds(5)).join()).isTrue();

        assertThat(lease("w", 1)).isEmpty();
        clock.advance(Duration.ofSeconds(5));
        Delivery again = lease("w", 1).get(0);
        assertThat(again.failures()).isEqualTo(1);
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(again.firstFailureAt()).isEqualTo(d.leaseUntil().minusSeconds(30));
    }

    @Test
    void a_postponed_delivery_counts_no_attempt() {
        Integration hook = webhook("alice", "temp");
        queue.enqueue(event("temp", "1"), List.of(hook.id())).join();
        Delivery d = lease("w", 1).get(0);
        assertThat(queue.postpone(d, clock.instant().plusSeconds(2)).join()).isTrue();
        clock.advance(Duration.ofSeconds(2));
        assertThat(lease("w", 1).get(0).failures()).isZero();
        assertThat(queue.recentAttempts(hook.id(), 10)).isEmpty();
    }

    @Test
    void dead_letters_are_listed_and_replayed_one_or_all() {
        Integration hook = webhook("alice", "temp");
        for (int i = 0; i < 3; i++) {
            queue.enqueue(event("temp", "" + i), List.of(hook.id())).join();
        }
        List<Delivery> leased = lease("w", 10);
        for (Delivery d : leased) {
            queue.deadLetter(d, attempt(d, Attempt.Outcome.DEAD, "HTTP 404 Not Found")).join();
        }
        assertThat(queue.counts(hook.id())).isEqualTo(new QueueCounts(0, 0, 0, 3));
        List<QueuedDelivery> dead = queue.deadLetters(hook.id(), 10);
        assertThat(dead).hasSize(3).allSatisfy(q -> {
            assertThat(q.state()).isEqualTo("dead");
            assertThat(q.lastError()).isEqualTo("HTTP 404 Not Found");
            assertThat(q.lastStatus()).isEqualTo(500);
            assertThat(q.eventName()).isEqualTo("temp");
        });
        assertThat(lease("w", 10)).isEmpty();

        queue.replay(hook.id(), dead.get(0).id());
        Delivery replayed = lease("w", 10).get(0);
        assertThat(replayed.id()).isEqualTo(dead.get(0).id());
        assertThat(replayed.failures()).as("a replay starts a fresh retry window").isZero();

        assertThat(queue.replayAll(hook.id())).isEqualTo(2);
        assertThat(lease("w", 10)).hasSize(2);
    }

    @Test
    void replay_names_what_is_wrong() {
        Integration hook = webhook("alice", "temp");
        queue.enqueue(event("temp", "1"), List.of(hook.id())).join();
        Delivery d = lease("w", 1).get(0);
        assertThatThrownBy(() -> queue.replay(hook.id(), d.id()))
                .isInstanceOfSatisfying(IntegrationException.class, e -> assertThat(e.reason())
                        .isEqualTo(IntegrationException.Reason.CONFLICT))
                .hasMessage("delivery " + d.id() + " is pending, not dead; only dead letters can be replayed");
        assertThatThrownBy(() -> queue.replay(hook.id(), 999_999))
                .hasMessage("integration " + hook.id() + " has no delivery 999999 (delivered ones are not kept)");
    }

    @Test
    void a_paused_integration_holds_queued_and_new_deliveries_until_resumed() {
        Integration hook = webhook("alice", "temp");
        Integration other = webhook("alice", "temp");
        queue.enqueue(event("temp", "before"), List.of(hook.id(), other.id())).join();
        store.setPaused(hook.id(), true);
        queue.enqueue(event("temp", "while"), List.of(hook.id())).join();

        assertThat(lease("w", 10)).extracting(Delivery::integrationId).containsExactly(other.id());
        assertThat(queue.counts(hook.id()).paused()).isEqualTo(2);

        store.setPaused(hook.id(), false);
        assertThat(lease("w", 10)).extracting(d -> d.event().dataAsText()).containsExactlyInAnyOrder("before", "while");
    }

    @Test
    void deleting_an_integration_drops_its_deliveries_and_later_events_for_it_are_skipped() {
        Integration hook = webhook("alice", "temp");
        queue.enqueue(event("temp", "1"), List.of(hook.id())).join();
        store.delete(hook.id());
        queue.enqueue(event("temp", "2"), List.of(hook.id())).join();
        assertThat(lease("w", 10)).isEmpty();
        assertThat(queue.counts(null).total()).isZero();
    }

    @Test
    void committed_deliveries_survive_a_reopen() {
        Integration hook = webhook("alice", "temp");
        queue.enqueue(event("temp", "kept"), List.of(hook.id())).join();
        lease("crashed-worker", 10);
        fixture = fixture.reopen();
        queue = fixture.queue();
        clock.advance(Duration.ofSeconds(31));
        assertThat(lease("w", 10)).extracting(d -> d.event().dataAsText()).containsExactly("kept");
    }

    @Test
    void many_concurrent_appends_are_all_committed_and_listeners_hear_of_them() {
        Integration hook = webhook("alice", "temp");
        AtomicInteger wakeups = new AtomicInteger();
        queue.onEnqueued(wakeups::incrementAndGet);
        List<CompletableFuture<Void>> appends = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            appends.add(queue.enqueue(event("temp", "" + i), List.of(hook.id())));
        }
        CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).join();
        assertThat(queue.counts(hook.id()).pending()).isEqualTo(2_000);
        // Listeners run right after the commit that completed the futures.
        Await.until("the listener heard of the enqueues", () -> wakeups.get() > 0);
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
}
