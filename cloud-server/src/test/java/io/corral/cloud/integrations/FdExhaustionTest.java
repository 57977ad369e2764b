package io.corral.cloud.integrations;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.integrations.model.IntegrationJson;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.ChildCloud;
import io.corral.cloud.testkit.HttpSink;
import io.corral.cloud.testkit.HttpSink.Answer;
import io.corral.cloud.testkit.PskFleet;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lesson of the worker that died of fd exhaustion: a cloud in a child JVM under {@code ulimit -n 256}, whose
 * webhook sink accepts connections but never answers, takes thousands of events. It must keep acknowledging
 * devices, hold a bounded number of sockets, and deliver everything once the sink recovers.
 */
class FdExhaustionTest {
    private static final int EVENTS = 3_000;
    private static final int FD_LIMIT = 256;

    @TempDir
    Path dir;

    @Test
    void a_sink_that_never_answers_cannot_exhaust_the_clouds_file_descriptors() throws Exception {
        Path data = dir.resolve("data");
        PskFleet fleet = new PskFleet(data, "alice", 8);
        CountDownLatch recovered = new CountDownLatch(1);
        try (HttpSink sink = HttpSink.start(4)) {
            // Accepts and reads every request, answers none until it recovers.
            sink.respondWith(r -> {
                try {
                    recovered.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Answer.ok("ok");
            });
            try (SqliteIntegrationDatabase db = SqliteIntegrationDatabase.open(data)) {
                db.integrations().create("alice", IntegrationJson.parseSpec("""
                        {"event": "fd", "type": "webhook", "webhook": {"url": "%s", "timeout_seconds": 2}}"""
                        .formatted(sink.url("/in"))));
            }
            int port = CrashSafetyTest.freeUdpPort();
            try (ChildCloud cloud = ChildCloud.start(data, port, "ulimit -n " + FD_LIMIT + ";",
                    dir.resolve("cloud.log"))) {
                AtomicLong maxFds = new AtomicLong();
                AtomicBoolean watching = new AtomicBoolean(true);
                Thread watcher = Thread.ofPlatform().daemon().start(() -> {
                    while (watching.get()) {
                        maxFds.accumulateAndGet(cloud.openFds(), Math::max);
                        sleep(50);
                    }
                });
                List<String> payloads = IntStream.range(0, EVENTS).mapToObj(i -> "fd" + i).toList();
                InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);

                List<String> left = fleet.publish(address, "fd", payloads, new AtomicBoolean());

                assertThat(left).as("every publish is acknowledged while the sink hangs").isEmpty();
                assertThat(cloud.isAlive()).isTrue();
                String hungStats = cloud.lastStats();
                long hungFds = maxFds.get();

                recovered.countDown();
                Await.until("every event reached the sink after it recovered",
                        () -> sink.eventIds().size() >= EVENTS, Duration.ofSeconds(90));
                watching.set(false);
                watcher.join();
                System.out.printf("FdExhaustionTest: %d events acknowledged while the sink hung (at most %d fds of %d"
                        + " while hung, %d overall; %s); all delivered after recovery (%s)%n", EVENTS, hungFds, FD_LIMIT,
                        maxFds.get(), hungStats, cloud.lastStats());
                assertThat(cloud.isAlive()).as(cloud.tail()).isTrue();
                assertThat(maxFds.get()).as("open fds of the cloud").isLessThan(FD_LIMIT);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
