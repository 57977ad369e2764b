package io.corral.cloud.integrations;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.integrations.model.IntegrationJson;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.ChildCloud;
import io.corral.cloud.testkit.HttpSink;
import io.corral.cloud.testkit.HttpSink.Answer;
import io.corral.cloud.testkit.PskFleet;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise of the ACK, tested the hard way: a real cloud in a child JVM acknowledges 5,000 events from real
 * DTLS devices while its webhook sink is slow; halfway it is killed with {@code kill -9}; it restarts on the same
 * data dir; every acknowledged event must reach the sink at least once. Duplicates are allowed (at least once)
 * and reported.
 */
class CrashSafetyTest {
    private static final int EVENTS = 5_000;
    private static final int DEVICES = 16;

    @TempDir
    Path dir;

    @Test
    void every_acknowledged_event_survives_a_kill_9_of_the_cloud() throws Exception {
        Path data = dir.resolve("data");
        PskFleet fleet = new PskFleet(data, "alice", DEVICES);
        try (HttpSink sink = HttpSink.start(8);
             SqliteIntegrationDatabase db = SqliteIntegrationDatabase.open(data)) {
            // Slow until the kill: 8 threads at 50 ms a request, 160 a second, so a backlog builds up in the queue
            // whatever the speed of this machine; fast afterwards, so the restarted cloud drains it quickly.
            AtomicBoolean slowSink = new AtomicBoolean(true);
            sink.respondWith(r -> new Answer(200, "ok", Duration.ofMillis(slowSink.get() ? 50 : 0)));
            db.integrations().create("alice", IntegrationJson.parseSpec("""
                    {"event": "crash", "type": "webhook", "webhook": {"url": "%s"}}""".formatted(sink.url("/in"))));
            db.close();
            int port = freeUdpPort();
            List<String> payloads = IntStream.range(0, EVENTS).mapToObj(i -> "e" + i).toList();

            List<String> left;
            int sinkAtKill;
            try (ChildCloud cloud = ChildCloud.start(data, port, "", dir.resolve("cloud-1.log"))) {
                AtomicBoolean killed = new AtomicBoolean();
                Thread killer = Thread.ofPlatform().start(() -> {
                    Await.until("half the events are acknowledged", () -> fleet.acknowledged().size() >= EVENTS / 2);
                    cloud.kill();
                    killed.set(true);
                });
                left = fleet.publish(cloudAddress(port), "crash", payloads, killed);
                killer.join();
                sinkAtKill = sink.pending().size();
                slowSink.set(false);
                System.out.printf("CrashSafetyTest: killed pid %d after %d acknowledged events; the sink had %d; "
                        + "last stats: %s%n", cloud.pid(), fleet.acknowledged().size(), sinkAtKill, cloud.lastStats());
            }
            assertThat(sinkAtKill).as("the kill came while deliveries were still queued")
                    .isLessThan(fleet.acknowledged().size());

            try (ChildCloud cloud = ChildCloud.start(data, port, "", dir.resolve("cloud-2.log"))) {
                List<String> stillLeft = fleet.publish(cloudAddress(port), "crash", left, new AtomicBoolean());
                assertThat(stillLeft).as("after the restart every event is acknowledged").isEmpty();
                assertThat(fleet.acknowledged()).hasSize(EVENTS);

                Await.until("every acknowledged event reached the sink", () -> payloadsAtSink(sink).keySet()
                        .containsAll(fleet.acknowledged()), Duration.ofSeconds(60));
                Map<String, Integer> byEventId = sink.eventIds();
                long duplicateDeliveries = byEventId.values().stream().mapToInt(n -> n - 1).sum();
                long republished = payloadsAtSink(sink).values().stream().filter(ids -> ids.size() > 1).count();
                System.out.printf("CrashSafetyTest: %d acknowledged events all delivered; %d deliveries to the sink, "
                        + "%d duplicate deliveries of an event id, %d payloads sent under two event ids "
                        + "(committed, but the ACK died with the cloud, so the device published again); %s%n",
                        EVENTS, sink.pending().size(), duplicateDeliveries, republished, cloud.lastStats());
            }
        }
    }

    /** Payload (the event's data) to the event ids it arrived under, from the default form body. */
    private static Map<String, Set<String>> payloadsAtSink(HttpSink sink) {
        Map<String, Set<String>> seen = new HashMap<>();
        for (HttpSink.Received r : new ArrayList<>(sink.pending())) {
            seen.computeIfAbsent(r.form().get("data"), k -> new HashSet<>()).add(r.eventId());
        }
        return seen;
    }

    private static InetSocketAddress cloudAddress(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    static int freeUdpPort() throws SocketException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
