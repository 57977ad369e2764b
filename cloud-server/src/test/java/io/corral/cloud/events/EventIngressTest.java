package io.corral.cloud.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.integrations.IntegrationException;
import io.corral.protocol.Limits;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One ingress for device and API publishes: checked once, durable before routed, never routed if not durable. */
class EventIngressTest {
    private static final String DEVICE = "0123456789abcdef01234567";

    private final InProcessEventBus bus = new InProcessEventBus();
    private final BlockingQueue<Event> received = new LinkedBlockingQueue<>();
    /** The hand-off's commit, completed (or failed) by the test as a queue's group commit would. */
    private final AtomicReference<CompletableFuture<Void>> commit = new AtomicReference<>();
    private final EventIngress ingress = new EventIngress(Limits.DEFAULTS, event -> {
        CompletableFuture<Void> pending = new CompletableFuture<>();
        commit.set(pending);
        return pending;
    }, bus);

    @AfterEach
    void closeBus() {
        bus.close();
    }

    @Test
    void a_refused_publish_names_its_rule_cheapest_first() {
        assertRefused(() -> ingress.validate("hook-sent/x", new byte[2000], 23, -1, DEVICE, "alice"),
                EventRefusedException.Reason.NAME, "event name 'hook-sent/x' uses the reserved prefix 'hook-sent/'");
        assertRefused(() -> ingress.validate("temp", new byte[2000], 23, -1, DEVICE, "alice"),
                EventRefusedException.Reason.CONTENT_FORMAT, "content format 23 is not one of text/plain (0), "
                        + "application/octet-stream (42), application/json (50), application/cbor (60)");
        assertRefused(() -> ingress.validate("temp", new byte[1025], 42, -1, DEVICE, "alice"),
                EventRefusedException.Reason.SIZE, "event data is 1025 bytes, the limit is 1024");
        assertRefused(() -> ingress.validate("temp", new byte[1024], 42, -1, DEVICE, "alice"),
                EventRefusedException.Reason.TTL, "ttlSeconds must be >= 0, was -1");
    }

    @Test
    void the_api_size_is_counted_in_bytes_of_utf8() {
        byte[] text = "é".repeat(513).getBytes(StandardCharsets.UTF_8);
        assertRefused(() -> ingress.validate("temp", text, Event.TEXT_PLAIN, 60, "api", "alice"),
                EventRefusedException.Reason.SIZE, "event data is 1026 bytes of UTF-8, the limit is 1024");
    }

    @Test
    void an_event_is_routed_only_once_it_is_durable() throws InterruptedException {
        bus.subscribe("alice", "temp", null, received::add);
        Event event = ingress.validate("temp/kitchen", "21.5".getBytes(StandardCharsets.UTF_8), Event.TEXT_PLAIN,
                60, DEVICE, "alice");

        CompletableFuture<Void> published = ingress.publish(event);
        assertThat(published).isNotDone();
        assertThat(ingress.routedCount()).as("not routed before the commit").isZero();

        commit.get().complete(null);
        assertThat(published).isCompleted();
        assertThat(received.poll(5, TimeUnit.SECONDS)).isSameAs(event);
        assertThat(ingress.routedCount()).isEqualTo(1);
    }

    @Test
    void an_event_that_could_not_be_made_durable_is_refused_and_never_routed() {
        Event event = ingress.validate("temp", new byte[0], Event.TEXT_PLAIN, 60, DEVICE, "alice");

        CompletableFuture<Void> published = ingress.publish(event);
        IntegrationException overloaded = new IntegrationException(IntegrationException.Reason.OVERLOADED, "full");
        commit.get().completeExceptionally(overloaded);

        assertThat(published).isCompletedExceptionally();
        published.whenComplete((ok, failure) -> assertThat(failure).as("the hand-off's own failure").isSameAs(overloaded));
        assertThat(ingress.routedCount()).isZero();
    }

    @Test
    void a_bus_closing_with_the_cloud_drops_the_event_without_failing_the_publisher() {
        Event event = ingress.validate("temp", new byte[0], Event.TEXT_PLAIN, 60, DEVICE, "alice");
        CompletableFuture<Void> published = ingress.publish(event);
        bus.close();
        commit.get().complete(null);

        assertThat(published).isCompleted();
        assertThat(ingress.routedCount()).isZero();
    }

    private static void assertRefused(Runnable publish, EventRefusedException.Reason reason, String message) {
        assertThatThrownBy(publish::run).isInstanceOfSatisfying(EventRefusedException.class,
                e -> assertThat(e.reason()).isEqualTo(reason)).hasMessage(message);
    }
}
