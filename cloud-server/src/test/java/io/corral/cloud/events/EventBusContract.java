package io.corral.cloud.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.testkit.Race;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EventBus} must do, whether it dispatches on the caller's thread, on a thread of its own or
 * through a server. An implementation's test extends this and provides the bus.
 *
 * <p>Delivery is asynchronous, so a test learns that everything before a point has arrived by publishing a
 * marker event to the same subscription and waiting for it: events from one publishing thread reach each
 * subscription in publish order, which the bus promises.
 */
public abstract class EventBusContract {
    protected static final String A = "aaaaaaaaaaaaaaaaaaaaaaaa";
    protected static final String B = "bbbbbbbbbbbbbbbbbbbbbbbb";
    /** In the names of marker events, which every inbox leaves out. */
    private static final String MARKER = "~marker~";
    private static final long WAIT_SECONDS = 20;

    protected EventBus bus;

    /** A new, open bus. */
    protected abstract EventBus newBus();

    @BeforeEach
    void openBus() {
        bus = newBus();
    }

    @AfterEach
    void closeBus() {
        bus.close();
    }

    protected static Event event(String owner, String source, String name) {
        return Event.create(name, name.getBytes(StandardCharsets.UTF_8), Event.TEXT_PLAIN, 60, source, owner);
    }

    /** A subscription that keeps what it receives. */
    protected final class Inbox implements EventListener {
        private final String owner;
        private final String prefix;
        private final String source;
        private final BlockingQueue<Event> received = new LinkedBlockingQueue<>();
        private final List<Event> settled = new ArrayList<>();
        final Subscription subscription;

        Inbox(String owner, String prefix, String deviceFilter) {
            this.owner = owner;
            this.prefix = prefix;
            this.source = deviceFilter == null ? A : deviceFilter;
            this.subscription = bus.subscribe(owner, prefix, deviceFilter, this);
        }

        @Override
        public void onEvent(Event event) {
            received.add(event);
        }

        /** Everything published to this subscription so far, markers left out, once all of it has arrived. */
        List<Event> settle() {
            Event marker = event(owner, source, prefix + MARKER);
            bus.publish(marker);
            try {
                while (true) {
                    Event next = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
                    if (next == null) {
                        throw new AssertionError("marker " + marker + " did not arrive within " + WAIT_SECONDS + " s");
                    }
                    if (next.id().equals(marker.id())) {
                        return List.copyOf(settled);
                    }
                    if (!next.name().contains(MARKER)) {
                        settled.add(next);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        List<String> names() {
            return settle().stream().map(Event::name).toList();
        }
    }

    protected Inbox inbox(String owner, String prefix, String deviceFilter) {
        return new Inbox(owner, prefix, deviceFilter);
    }

    @Test
    void events_go_to_matching_prefixes_of_the_same_owner_only() {
        Inbox alice = inbox("alice", "temp/", null);
        Inbox bob = inbox("bob", "temp/", null);

        bus.publish(event("alice", A, "temp/kitchen"));
        bus.publish(event("alice", A, "humidity"));
        bus.publish(event("alice", A, "temp"));

        assertThat(alice.names()).containsExactly("temp/kitchen");
        assertThat(bob.names()).isEmpty();
    }

    @Test
    void device_filter_selects_the_source() {
        Inbox filtered = inbox("alice", "", B);

        bus.publish(event("alice", A, "x"));
        bus.publish(event("alice", B, "x"));
        bus.publish(event("alice", "api", "x"));

        assertThat(filtered.settle()).extracting(Event::deviceId).containsExactly(B);
    }

    @Test
    void an_event_reaches_every_matching_subscription_once_with_its_data() {
        Inbox all = inbox("alice", "", null);
        Inbox temp = inbox("alice", "temp", null);
        Event event = event("alice", A, "temp/kitchen");

        bus.publish(event);

        assertThat(all.settle()).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo(event.id());
            assertThat(e.dataAsText()).isEqualTo("temp/kitchen");
            assertThat(e.deviceId()).isEqualTo(A);
        });
        assertThat(temp.settle()).extracting(Event::id).containsExactly(event.id());
    }

    @Test
    void events_of_one_publisher_arrive_in_publish_order() {
        Inbox inbox = inbox("alice", "seq/", null);
        List<String> published = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            published.add("seq/" + i);
            bus.publish(event("alice", A, "seq/" + i));
        }

        assertThat(inbox.names()).containsExactlyElementsOf(published);
    }

    @Test
    void cancelled_subscriptions_receive_nothing_more() {
        Inbox cancelled = inbox("alice", "", null);
        Inbox witness = inbox("alice", "", null);
        bus.publish(event("alice", A, "one"));
        assertThat(cancelled.names()).containsExactly("one");

        cancelled.subscription.cancel();
        cancelled.subscription.cancel();
        bus.publish(event("alice", A, "two"));

        assertThat(witness.names()).containsExactly("one", "two");
        assertThat(cancelled.received).extracting(Event::name).noneMatch("two"::equals);
    }

    @Test
    void a_failing_listener_does_not_stop_the_others() {
        bus.subscribe("alice", "", null, e -> {
            throw new IllegalStateException("broken subscriber");
        });
        Inbox healthy = inbox("alice", "", null);

        bus.publish(event("alice", A, "x"));
        bus.publish(event("alice", A, "y"));

        assertThat(healthy.names()).containsExactly("x", "y");
    }

    @Test
    void publishing_on_a_closed_bus_fails() {
        bus.close();

        assertThatThrownBy(() -> bus.publish(event("alice", A, "x")))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("event bus is closed");
    }

    // ---- two writers on the same record: publishers sharing a subscription ----

    @Test
    void two_publishers_at_once_reach_one_subscription_with_every_event_once_each_in_its_own_order() {
        Inbox inbox = inbox("alice", "race/", null);

        Race.repeat(2, 500, (racer, round) -> bus.publish(event("alice", racer == 0 ? A : B, "race/" + racer + "/" + round)));

        List<Event> received = inbox.settle();
        assertThat(received).hasSize(1000).extracting(Event::id).doesNotHaveDuplicates();
        for (String source : List.of(A, B)) {
            List<Integer> rounds = received.stream().filter(e -> e.deviceId().equals(source))
                    .map(e -> Integer.parseInt(e.name().substring(e.name().lastIndexOf('/') + 1))).toList();
            assertThat(rounds).as("events of %s", source).hasSize(500).isSorted();
        }
    }

    @Test
    void subscribing_and_cancelling_while_others_publish_disturbs_no_other_subscription() {
        Inbox steady = inbox("alice", "busy/", null);

        Race.repeat(2, 200, (racer, round) -> {
            if (racer == 0) {
                bus.publish(event("alice", A, "busy/" + round));
            } else {
                bus.subscribe("alice", "busy/", null, e -> { }).cancel();
            }
        });

        assertThat(steady.names()).hasSize(200);
    }
}
