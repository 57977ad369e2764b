package io.corral.cloud.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** A real HTTP receiver for pages and tickets on loopback: records every JSON body it is sent. */
public final class PageReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile int failStatus = 503;

    public record Received(long at, JsonNode body) {
    }

    public PageReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            attempts.incrementAndGet();
            int status;
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                status = failStatus;
            } else {
                received.add(new Received(System.currentTimeMillis(), JSON.readTree(body)));
                status = 202;
            }
            byte[] answer = "{\"status\":\"success\"}".getBytes();
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v2/enqueue");
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
        server.stop(0);
    }
}
