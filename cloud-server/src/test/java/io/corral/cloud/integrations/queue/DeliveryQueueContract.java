package io.corral.cloud.integrations.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.events.Event;
import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.model.Attempt;
import io.corral.cloud.integrations.model.Delivery;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.IntegrationSpec;
import io.corral.cloud.integrations.model.WebhookSettings;
import io.corral.cloud.integrations.store.IntegrationStore;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.MutableClock;
import io.corral.cloud.testkit.Race;
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
 * this and provides the factory; time is a {@link MutableClock} the test moves by hand. Durability across a
 * restart is not here: the memory queue has none by nature, so the SQLite queue's own test covers it.
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
        return webhook(store, owner, prefix);
    }

    /** A webhook integration of {@code owner} for events starting with {@code prefix}. */
    public static Integration webhook(IntegrationStore store, String owner, String prefix) {
        return store.create(owner, IntegrationSpec.builder().eventPrefix(prefix)
                .target(WebhookSettings.builder().url("http://127.0.0.1:9/in").build()).build());
    }

    /** A text event of alice's device. */
    public static Event event(String name, String data) {
        return Event.create(name, data.getBytes(StandardCharsets.UTF_8), Event.TEXT_PLAIN, 60,
                "0123456789abcdef01234567", "alice");
    }

    private Attempt attempt(Delivery d, Attempt.Outcome outcome, String error) {
        return new Attempt(d.integrationId(), d.id(), d.event().id(), d.attempt(), clock.instant(), outcome,
                error == null ? 200 : 500, Duration.ofMillis(3), error, d.leaseOwner());
    }

    /** Leases for 30 s. */
    public static List<Delivery> lease(DeliveryQueue queue, String worker, int max) {
        return queue.lease(worker, max, Duration.ofSeconds(30)).join();
    }

    private List<Delivery> lease(String worker, int max) {
        return lease(queue, worker, max);
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
    void the_oldest_due_deliveries_are_leased_first() {
        Integration hook = webhook("alice", "temp");
        queue.enqueue(event("temp", "first"), List.of(hook.id())).join();
        clock.advance(Duration.ofSeconds(1));
        queue.enqueue(event("temp", "second"), List.of(hook.id())).join();
        clock.advance(Duration.ofSeconds(1));
        queue.enqueue(event("temp", "third"), List.of(hook.id())).join();
        Delivery first = lease("w", 1).get(0);
        assertThat(first.event().dataAsText()).isEqualTo("first");
        // Postponed past the others: it is now the last one due.
        queue.postpone(first, clock.instant().plusSeconds(1)).join();
        clock.advance(Duration.ofSeconds(2));

        // Which deliveries a lease takes is promised, not the order of the list it returns.
        assertThat(lease("w", 1)).extracting(d -> d.event().dataAsText()).containsExactly("second");
        assertThat(lease("w", 1)).extracting(d -> d.event().dataAsText()).containsExactly("third");
        assertThat(lease("w", 2)).extracting(d -> d.event().dataAsText()).containsExactly("first");
    }

    @Test
    void dead_letters_and_attempts_are_listed_newest_first() {
        Integration hook = webhook("alice", "temp");
        for (int i = 0; i < 3; i++) {
            queue.enqueue(event("temp", "" + i), List.of(hook.id())).join();
        }
        for (Delivery d : lease("w", 10)) {
            clock.advance(Duration.ofSeconds(1));
            queue.deadLetter(d, attempt(d, Attempt.Outcome.DEAD, "gone " + d.event().dataAsText())).join();
        }

        assertThat(queue.deadLetters(hook.id(), 10)).extracting(QueuedDelivery::lastError)
                .containsExactlyElementsOf(queue.recentAttempts(hook.id(), 10).stream().map(Attempt::error).toList());
        assertThat(queue.deadLetters(hook.id(), 2)).extracting(QueuedDelivery::deadAt).isSortedAccordingTo(
                java.util.Comparator.reverseOrder()).hasSize(2);
        assertThat(queue.recentAttempts(hook.id(), 1)).singleElement()
                .satisfies(a -> assertThat(a.at()).isEqualTo(clock.instant()));
    }

    @Test
    void an_error_text_is_kept_to_its_first_500_characters() {
        Integration hook = webhook("alice", "temp");
        queue.enqueue(event("temp", "1"), List.of(hook.id())).join();
        Delivery d = lease("w", 1).get(0);

        queue.deadLetter(d, attempt(d, Attempt.Outcome.DEAD, "x".repeat(2_000))).join();

        assertThat(queue.deadLetters(hook.id(), 1).get(0).lastError()).isEqualTo("x".repeat(500) + "...");
        assertThat(queue.recentAttempts(hook.id(), 1).get(0).error()).isEqualTo("x".repeat(500) + "...");
    }

    @Test
    void results_for_deliveries_that_do_not_exist_are_refused_and_unknown_integrations_have_nothing() {
        Integration hook = webhook("alice", "temp");
        queue.enqueue(event("temp", "1"), List.of(hook.id())).join();
        Delivery d = lease("w", 1).get(0);
        assertThat(queue.complete(d, null).join()).isTrue();

        assertThat(queue.complete(d, null).join()).as("completed already").isFalse();
        assertThat(queue.retryLater(d, attempt(d, Attempt.Outcome.RETRY, "x"), clock.instant()).join()).isFalse();
        assertThat(queue.deadLetter(d, attempt(d, Attempt.Outcome.DEAD, "x")).join()).isFalse();
        assertThat(queue.postpone(d, clock.instant()).join()).isFalse();
        assertThat(queue.releaseLeases("nobody").join()).isZero();
        assertThat(queue.counts("int_0000000000000000")).isEqualTo(new QueueCounts(0, 0, 0, 0));
        assertThat(queue.deadLetters("int_0000000000000000", 10)).isEmpty();
        assertThat(queue.recentAttempts("int_0000000000000000", 10)).isEmpty();
        assertThat(queue.replayAll("int_0000000000000000")).isZero();
        assertThatThrownBy(() -> queue.replay("int_0000000000000000", d.id()))
                .isInstanceOfSatisfying(IntegrationException.class, e -> assertThat(e.reason())
                        .isEqualTo(IntegrationException.Reason.NOT_FOUND));
    }

    @Test
    void leases_are_counted_and_their_owners_listed_until_released() {
        Integration hook = webhook("alice", "temp");
        for (int i = 0; i < 3; i++) {
            queue.enqueue(event("temp", "" + i), List.of(hook.id())).join();
        }
        lease("w1", 2);
        lease("w2", 1);

        assertThat(queue.counts(hook.id())).isEqualTo(new QueueCounts(0, 3, 0, 0));
        assertThat(queue.leaseOwners()).containsExactlyInAnyOrder("w1", "w2");
        assertThat(queue.oldestPending()).hasValue(clock.instant());

        queue.releaseLeases("w1").join();
        assertThat(queue.leaseOwners()).containsExactly("w2");
        assertThat(queue.counts(null)).isEqualTo(new QueueCounts(2, 1, 0, 0));
    }

    // ---- two writers on the same record ----

    @Test
    void workers_leasing_at_once_never_get_the_same_delivery() {
        Integration hook = webhook("alice", "temp");
        for (int i = 0; i < 200; i++) {
            queue.enqueue(event("temp", "" + i), List.of(hook.id())).join();
        }

        List<Race.Outcome<List<Delivery>>> outcomes = Race.run(4, racer -> {
            List<Delivery> mine = new ArrayList<>();
            for (int round = 0; round < 20; round++) {
                mine.addAll(lease("w" + racer, 5));
            }
            return mine;
        });

        List<Long> leased = outcomes.stream().flatMap(o -> o.value().stream()).map(Delivery::id).toList();
        assertThat(leased).hasSize(200).doesNotHaveDuplicates();
    }

    @Test
    void results_racing_for_one_delivery_have_exactly_one_accepted_and_never_the_lapsed_workers() {
        Integration hook = webhook("alice", "temp");
        for (int round = 0; round < 20; round++) {
            queue.enqueue(event("temp", "" + round), List.of(hook.id())).join();
            Delivery slow = lease("slow", 1).get(0);
            clock.advance(Duration.ofSeconds(31));
            Delivery fast = lease("fast", 1).get(0);

            List<Race.Outcome<Boolean>> outcomes = Race.run(3, racer -> switch (racer) {
                case 0 -> queue.complete(slow, attempt(slow, Attempt.Outcome.DELIVERED, null)).join();
                case 1 -> queue.complete(fast, attempt(fast, Attempt.Outcome.DELIVERED, null)).join();
                default -> queue.deadLetter(fast, attempt(fast, Attempt.Outcome.DEAD, "HTTP 410")).join();
            });

            assertThat(outcomes.get(0).value()).as("the lapsed lease's result").isFalse();
            assertThat(List.of(outcomes.get(1).value(), outcomes.get(2).value())).containsExactlyInAnyOrder(true, false);
            assertThat(queue.counts(hook.id())).isEqualTo(new QueueCounts(0, 0, 0, outcomes.get(2).value() ? 1 : 0));
            queue.replayAll(hook.id());
            lease("w", 10).forEach(d -> queue.complete(d, null).join());
        }
        assertThat(queue.counts(hook.id()).total()).isZero();
    }

    @Test
    void pausing_while_others_enqueue_and_lease_loses_nothing_and_holds_everything() {
        Integration hook = webhook("alice", "temp");
        Race.repeat(3, 100, (racer, round) -> {
            switch (racer) {
                case 0 -> queue.enqueue(event("temp", "" + round), List.of(hook.id())).join();
                case 1 -> lease("w", 5);
                default -> store.setPaused(hook.id(), round % 2 == 0);
            }
        });

        store.setPaused(hook.id(), true);

        assertThat(queue.counts(hook.id())).as("every delivery, leased ones too, is held").isEqualTo(new QueueCounts(0, 0, 100, 0));
        assertThat(lease("w2", 100)).isEmpty();
        store.setPaused(hook.id(), false);
        clock.advance(Duration.ofSeconds(31));
        assertThat(lease("w2", 200)).hasSize(100).extracting(Delivery::id).doesNotHaveDuplicates();
    }
}
