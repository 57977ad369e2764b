package io.corral.cloud.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** What the in-process bus adds to the contract: its counters, on the calling thread so no test waits; event ids. */
class InProcessEventBusTest {
    private static final String A = "aaaaaaaaaaaaaaaaaaaaaaaa";
    private final Executor direct = Runnable::run;
    private final InProcessEventBus bus = new InProcessEventBus(direct);

    private static Event event(String owner, String source, String name) {
        return Event.create(name, name.getBytes(StandardCharsets.UTF_8), Event.TEXT_PLAIN, 60, source, owner);
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
