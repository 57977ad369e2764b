package io.corral.cloud.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A real HTTP server on a loopback port for webhook tests (the JDK's own server): it records every request and
 * answers with whatever {@link #respondWith} says, after an optional delay, so tests can play a slow or broken
 * receiver. Event ids are counted from the {@code X-Corral-Event-Id} header, duplicates included.
 */
public final class HttpSink implements AutoCloseable {
    /** One request as received. */
    public record Received(String method, String path, String query, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if (header.getKey() != null && header.getKey().equalsIgnoreCase(name)) {
                    return header.getValue().get(0);
                }
            }
            return null;
        }

        public String eventId() {
            return header("X-Corral-Event-Id");
        }

        /** The body (or, for an empty body, the query) decoded as form fields. */
        public Map<String, String> form() {
            return decodeForm(body.isEmpty() && query != null ? query : body);
        }
    }

    /** What to answer. */
    public record Answer(int status, String body, Duration delay) {
        public static Answer ok(String body) {
            return new Answer(200, body, Duration.ZERO);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final ConcurrentHashMap<String, Integer> eventIds = new ConcurrentHashMap<>();
    private final AtomicReference<Function<Received, Answer>> answer =
            new AtomicReference<>(r -> Answer.ok("ok"));

    private HttpSink(int threads) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        executor = Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon().name("http-sink-", 0).factory());
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A sink that answers 200 "ok" on up to {@code threads} requests at a time. */
    public static HttpSink start(int threads) {
        try {
            return new HttpSink(threads);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static HttpSink start() {
        return start(8);
    }

    public HttpSink respondWith(Function<Received, Answer> answer) {
        this.answer.set(answer);
        return this;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The next request, waiting up to 20 s; fails the test if none comes. */
    public Received next() throws InterruptedException {
        Received r = received.poll(20, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no request reached the sink within 20 s");
        }
        return r;
    }

    /** Requests not taken by {@link #next()} yet. */
    public List<Received> pending() {
        return List.copyOf(received);
    }

    /** How many requests each event id arrived in. */
    public Map<String, Integer> eventIds() {
        return Map.copyOf(eventIds);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Received r = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(), Map.copyOf(new LinkedHashMap<>(exchange.getRequestHeaders())),
                    body);
            Answer reply = answer.get().apply(r);
            if (!reply.delay().isZero()) {
                try {
                    Thread.sleep(reply.delay());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            // Recorded only once answered with success: a sink that "received" but failed does not count.
            if (reply.status() >= 200 && reply.status() < 300) {
                if (r.eventId() != null) {
                    eventIds.merge(r.eventId(), 1, Integer::sum);
                }
            }
            received.add(r);
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    static Map<String, String> decodeForm(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return fields;
        }
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            fields.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return fields;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
