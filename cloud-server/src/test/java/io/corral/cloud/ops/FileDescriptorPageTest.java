package io.corral.cloud.ops;

import static io.corral.cloud.ops.StatusJson.component;
import static io.corral.cloud.ops.StatusJson.latestIncident;
import static io.corral.cloud.ops.StatusJson.rule;
import static io.corral.cloud.testkit.PageReceiver.pagerDuty;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.ChildCloud;
import io.corral.cloud.testkit.PageReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code file-descriptors} rule against the real limit of a real process: {@code corral-cloud run} in a child
 * JVM under {@code ulimit -n 320}, paging a real receiver, with the default rules evaluated every second. The test
 * holds file descriptors open in that process by opening TCP connections to its HTTP API and never finishing a
 * request on them (each accepted socket is one fd of the cloud) until more than 80 % of its limit is in use. The page
 * must arrive within the evaluation interval plus 1 s, {@code /v1/status} must show Integrations in partial outage,
 * the cloud must keep answering {@code /healthz}, and closing the connections must resolve the page.
 */
class FileDescriptorPageTest {
    private static final int FD_LIMIT = 320;
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final int BATCH = 8;

    @TempDir
    Path dir;

    @Test
    void connections_holding_80_percent_of_the_clouds_fds_page_and_closing_them_resolves() throws Exception {
        Path alerts = Files.writeString(dir.resolve("alerts.properties"), "evaluation-interval=1s\n");
        List<SocketChannel> held = new CopyOnWriteArrayList<>();
        AtomicBoolean holdingOn = new AtomicBoolean(true);
        try (PageReceiver pager = new PageReceiver();
             ChildCloud cloud = ChildCloud.startCli(List.of("run", "--data", dir.resolve("data").toString(),
                     "--coap-host", "127.0.0.1", "--coap-port", "0", "--http-host", "127.0.0.1", "--http-port", "0",
                     "--page-url", pager.url().toString(), "--page-routing-key", "fd-test",
                     "--alert-config", alerts.toString()), "ulimit -n " + FD_LIMIT + ";", dir.resolve("cloud.log"));
             HealthWatch health = new HealthWatch(cloud.httpPort())) {
            URI api = URI.create("http://127.0.0.1:" + cloud.httpPort());
            long max = cloud.maxOpenFiles();
            assertThat(max).as("the child's own limit").isEqualTo(FD_LIMIT);
            long threshold = (long) (max * 0.8);
            Await.until("the rules have been evaluated",
                    () -> rule(StatusJson.fetch(api), "file-descriptors").equals("ok"), Duration.ofSeconds(30));
            long baseline = cloud.openFds();
            assertThat(baseline).as("fds the idle cloud holds, of " + max).isLessThan(threshold - 2 * BATCH);
            assertThat(component(StatusJson.fetch(api), "Integrations")).isEqualTo("operational");

            // Jetty closes a connection silent for 30 s: a header line now and then keeps each request unfinished.
            Thread keeper = Thread.ofVirtual().start(() -> keepUnfinished(held, holdingOn));
            // Hold fds in the cloud, a few at a time, each batch accepted before the next, up to 85 % of the limit.
            long target = (long) (max * 0.85);
            long crossed = 0;
            while (cloud.openFds() <= target) {
                assertThat(held.size()).as("connections opened").isLessThan((int) (max * 0.9 - baseline));
                long before = cloud.openFds();
                for (int i = 0; i < BATCH; i++) {
                    held.add(holdConnection(api.getPort()));
                }
                Await.until("the cloud accepts the connections", () -> cloud.openFds() >= before + BATCH / 2);
                if (crossed == 0 && cloud.openFds() > threshold) {
                    crossed = System.currentTimeMillis();
                }
            }
            if (crossed == 0) {
                crossed = System.currentTimeMillis();
            }
            long holding = cloud.openFds();
            int connections = held.size();

            PageReceiver.Received page = pager.await(pagerDuty("trigger", RuleId.FILE_DESCRIPTORS),
                    Duration.ofSeconds(30));
            assertThat(page.at() - crossed).as("page after more than 80 % were open")
                    .isLessThanOrEqualTo(INTERVAL.plusSeconds(1).toMillis());
            assertThat(page.body().path("routing_key").asText()).isEqualTo("fd-test");
            assertThat(page.body().path("payload").path("summary").asText()).contains("of " + FD_LIMIT
                    + " file descriptors open");
            JsonNode status = StatusJson.fetch(api);
            assertThat(component(status, "Integrations")).isEqualTo("partial_outage");
            assertThat(rule(status, "file-descriptors")).isEqualTo("firing");
            assertThat(component(status, "Device connectivity")).isEqualTo("operational");
            assertThat(StatusJson.get(api, "/healthz").statusCode()).as("the cloud still serves").isEqualTo(200);
            assertThat(cloud.openFds()).as("the connections are still held").isGreaterThan(threshold);

            holdingOn.set(false);
            keeper.join();
            for (SocketChannel channel : held) {
                channel.close();
            }
            held.clear();
            pager.await(pagerDuty("resolve", RuleId.FILE_DESCRIPTORS), Duration.ofSeconds(30));
            Await.until("the status page shows the incident resolved", () -> {
                JsonNode now = StatusJson.fetch(api);
                return component(now, "Integrations").equals("operational")
                        && latestIncident(now).equals("resolved");
            });
            assertThat(cloud.openFds()).isLessThan(threshold);
            assertThat(cloud.isAlive()).as(cloud.tail()).isTrue();
            assertThat(health.failures()).as("/healthz failures while the fds were held").isEmpty();
            assertThat(health.answered()).isPositive();
            System.out.printf("FileDescriptorPageTest: %d fds open when idle, %d while %d connections were held"
                    + " (limit %d); paged %d ms after crossing 80 %%: %s%n", baseline, holding, connections,
                    max, page.at() - crossed,
                    page.body().path("payload").path("summary").asText());
        } finally {
            holdingOn.set(false);
            for (SocketChannel channel : held) {
                channel.close();
            }
        }
    }

    /** A connection to the cloud's HTTP API that starts a request and does not finish it. */
    private static SocketChannel holdConnection(int port) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        channel.write(ByteBuffer.wrap("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                .getBytes(StandardCharsets.US_ASCII)));
        return channel;
    }

    private static void keepUnfinished(List<SocketChannel> held, AtomicBoolean holding) {
        while (holding.get()) {
            for (SocketChannel channel : held) {
                try {
                    channel.write(ByteBuffer.wrap("X-Wait: 1\r\n".getBytes(StandardCharsets.US_ASCII)));
                } catch (IOException e) {
                    // Closed by the cloud: the fd assertions will say so.
                }
            }
            for (int i = 0; i < 50 && holding.get(); i++) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Asks {@code /healthz} every 200 ms on a connection of its own, and remembers every failure. */
    private static final class HealthWatch implements AutoCloseable {
        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final AtomicLong answered = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        HealthWatch(int port) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .timeout(Duration.ofSeconds(10)).build();
            thread = Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    try {
                        int code = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        if (code == 200) {
                            answered.incrementAndGet();
                        } else {
                            failures.add("HTTP " + code);
                        }
                        Thread.sleep(200);
                    } catch (IOException e) {
                        failures.add(e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        long answered() {
            return answered.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }
}
