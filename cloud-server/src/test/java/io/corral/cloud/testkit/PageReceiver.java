package io.corral.cloud.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.cloud.ops.RuleId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A receiver for pages and tickets: an {@link HttpSink} that records every JSON body it accepts with the time it
 * arrived, answers as PagerDuty's Events API does ({@code 202}), and can refuse the next requests on purpose.
 */
public final class PageReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCEPTED = "{\"status\":\"success\"}";
    // One request at a time, as a notifier sends them: what arrived is recorded in the order it was sent.
    private final HttpSink sink = HttpSink.start(1);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile int failStatus = 503;

    /** One accepted notification: when it arrived (epoch ms) and its JSON body. */
    public record Received(long at, JsonNode body) {
    }

    public PageReceiver() {
        sink.respondWith(request -> {
            long at = System.currentTimeMillis();
            attempts.incrementAndGet();
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return new HttpSink.Answer(failStatus, ACCEPTED, Duration.ZERO);
            }
            try {
                received.add(new Received(at, JSON.readTree(request.body())));
            } catch (IOException e) {
                throw new UncheckedIOException("a notification that is not JSON: " + request.body(), e);
            }
            return new HttpSink.Answer(202, ACCEPTED, Duration.ZERO);
        });
    }

    public URI url() {
        return URI.create(sink.url("/v2/enqueue"));
    }

    /** The next {@code n} requests are answered with {@code status} and not recorded. */
    public void fail(int n, int status) {
        failStatus = status;
        failuresLeft.set(n);
    }

    public int attempts() {
        return attempts.get();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Waits for a body that matches; fails the test after {@code timeout}. */
    public Received await(Predicate<JsonNode> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Received r : received) {
                if (match.test(r.body())) {
                    return r;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
        throw new AssertionError("no matching message within " + timeout + "; received: " + received);
    }

    /** A PagerDuty trigger or resolve of the rule. */
    public static Predicate<JsonNode> pagerDuty(String action, RuleId rule) {
        return b -> action.equals(b.path("event_action").asText())
                && b.path("dedup_key").asText().endsWith("/" + rule.key());
    }

    /** A Slack message of the rule that fired ({@code [FIRING]}) or resolved ({@code [RESOLVED]}). */
    public static Predicate<JsonNode> slack(String state, RuleId rule) {
        return b -> b.path("text").asText().startsWith("[" + state + "] " + rule.title());
    }

    @Override
    public void close() {
        sink.close();
    }
}
