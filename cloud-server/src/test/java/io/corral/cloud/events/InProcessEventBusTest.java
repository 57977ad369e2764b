package io.corral.cloud.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** Routing rules of the in-process bus, run on the calling thread so no test waits. */
class InProcessEventBusTest {
    private static final String A = "aaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String B = "bbbbbbbbbbbbbbbbbbbbbbbb";
    private final Executor direct = Runnable::run;
    private final InProcessEventBus bus = new InProcessEventBus(direct);

    private static Event event(String owner, String source, String name) {
        return Event.create(name, name.getBytes(StandardCharsets.UTF_8), Event.TEXT_PLAIN, 60, source, owner);
    }

    @Test
    void events_go_to_matching_prefixes_of_the_same_owner_only() {
        List<String> alice = new ArrayList<>();
        List<String> bob = new ArrayList<>();
        bus.subscribe("alice", "temp/", null, e -> alice.add(e.name()));
        bus.subscribe("bob", "temp/", null, e -> bob.add(e.name()));

        bus.publish(event("alice", A, "temp/kitchen"));
        bus.publish(event("alice", A, "humidity"));
        bus.publish(event("alice", A, "temp"));

        assertThat(alice).containsExactly("temp/kitchen");
        assertThat(bob).isEmpty();
    }

    @Test
    void device_filter_selects_the_source() {
        List<String> seen = new ArrayList<>();
        bus.subscribe("alice", "", B, e -> seen.add(e.deviceId()));

        bus.publish(event("alice", A, "x"));
        bus.publish(event("alice", B, "x"));
        bus.publish(event("alice", "api", "x"));

        assertThat(seen).containsExactly(B);
    }

    @Test
    void cancelled_subscriptions_receive_nothing_more() {
        List<String> seen = new ArrayList<>();
        Subscription subscription = bus.subscribe("alice", "", null, e -> seen.add(e.name()));
        bus.publish(event("alice", A, "one"));

        subscription.cancel();
        subscription.cancel();
        bus.publish(event("alice", A, "two"));

        assertThat(seen).containsExactly("one");
    }

    @Test
    void a_failing_listener_does_not_stop_the_others() {
        List<String> seen = new ArrayList<>();
        bus.subscribe("alice", "", null, e -> {
            throw new IllegalStateException("broken subscriber");
        });
        bus.subscribe("alice", "", null, e -> seen.add(e.name()));

        bus.publish(event("alice", A, "x"));

        assertThat(seen).containsExactly("x");
        assertThat(bus.listenerFailureCount()).isEqualTo(1);
        assertThat(bus.deliveredCount()).isEqualTo(1);
        assertThat(bus.publishedCount()).isEqualTo(1);
    }

    @Test
    void publishing_on_a_closed_bus_fails() {
        bus.close();

        assertThatThrownBy(() -> bus.publish(event("alice", A, "x")))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("event bus is closed");
    }

    @Test
    void event_ids_are_unique_and_ordered() {
        Set<String> ids = new HashSet<>();
        String previous = "";
        for (int i = 0; i < 10_000; i++) {
            String id = event("alice", A, "x").id();
            assertThat(id).matches("[0-9a-f]{16}").isGreaterThan(previous);
            ids.add(id);
            previous = id;
        }
        assertThat(ids).hasSize(10_000);
    }
}
