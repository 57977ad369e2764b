package io.corral.cloud.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events reader for tests: a virtual thread reads the stream line by line and queues each message
 * (the lines up to a blank line); a comment line is a message of its own.
 */
public final class SseClient implements AutoCloseable {
    private static final long WAIT_SECONDS = 20;

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<List<String>> messages = new LinkedBlockingQueue<>();
    private final Thread reader;
    private final CountDownLatch ended = new CountDownLatch(1);

    private SseClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = Thread.ofVirtual().name("sse-test-reader").start(this::read);
    }

    public static SseClient open(HttpClient http, HttpRequest request) {
        try {
            return new SseClient(http.send(request, HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new AssertionError("cannot open " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public int status() {
        return response.statusCode();
    }

    public HttpResponse<InputStream> response() {
        return response;
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            List<String> message = new ArrayList<>();
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith(":")) {
                    messages.add(List.of(line));
                } else if (line.isEmpty()) {
                    if (!message.isEmpty()) {
                        messages.add(List.copyOf(message));
                        message.clear();
                    }
                } else {
                    message.add(line);
                }
            }
        } catch (IOException e) {
            // The stream ended; the test sees no more messages.
        } finally {
            ended.countDown();
        }
    }

    /** Whether the server ends the stream, waiting up to the safety deadline. */
    public boolean ended() throws InterruptedException {
        return ended.await(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** The next message that is not a comment, or fails after the safety deadline. */
    public List<String> nextEvent() throws InterruptedException {
        while (true) {
            List<String> message = next();
            if (!message.getFirst().startsWith(":")) {
                return message;
            }
        }
    }

    /** The next message, comment or not. */
    public List<String> next() throws InterruptedException {
        List<String> message = messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no server-sent message within " + WAIT_SECONDS + " s");
        }
        return message;
    }

    /** The next comment line, skipping events. */
    public String nextComment() throws InterruptedException {
        while (true) {
            List<String> message = next();
            if (message.getFirst().startsWith(":")) {
                return message.getFirst();
            }
        }
    }

    @Override
    public void close() throws IOException {
        response.body().close();
        reader.interrupt();
    }
}
