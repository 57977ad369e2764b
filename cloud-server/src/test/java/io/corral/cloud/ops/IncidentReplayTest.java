package io.corral.cloud.ops;

import static io.corral.cloud.ops.StatusJson.component;
import static io.corral.cloud.ops.StatusJson.latestIncident;
import static io.corral.cloud.ops.StatusJson.rule;
import static io.corral.cloud.testkit.PageReceiver.pagerDuty;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.cloud.Cloud;
import io.corral.cloud.integrations.InjectedFaults;
import io.corral.cloud.integrations.IntegrationSettings;
import io.corral.cloud.integrations.model.IntegrationSpec;
import io.corral.cloud.integrations.model.WebhookSettings;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.HttpSink;
import io.corral.cloud.testkit.PageReceiver;
import io.corral.cloud.testkit.TestCloud;
import io.corral.device.Device;
import io.corral.protocol.Limits;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incident Corral was born from, replayed on a real cloud: three integration workers deliver the events of real
 * SDK devices (DTLS, publishes acknowledged only once durable) to a real webhook sink. Worker 2 leaks file
 * descriptors (real ones: channels on a file) with every delivery until it dies as EMFILE kills a worker, and every
 * replacement dies the same way while the descriptors stay open; the other two keep traffic flowing. Somebody must be
 * paged within 60 s, the status page must show the outage, and no acknowledged event may be lost.
 *
 * <p>The alert rules run with their defaults, evaluated every second, except one: the {@code worker-down} restart
 * window is 20 s instead of 10 min. The rule holds its alert until the window holds fewer than 3 restarts, so with
 * the default the resolve would come 10 min after the last crash; a 20 s window still spans at least 3 restarts of a
 * crash loop (the supervisor pauses at most 5 s between them) and lets the test see the resolve.
 */
class IncidentReplayTest {
    private static final int DEVICES = 3;
    /** Descriptors worker 2 may leak before it fails with "Too many open files". */
    private static final int FD_BUDGET = 100;
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    @Test
    void worker_dying_of_fd_exhaustion_pages_within_60_s_and_loses_no_acknowledged_event() throws Exception {
        InjectedFaults faults = new InjectedFaults();
        Set<String> sunk = ConcurrentHashMap.newKeySet();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicLong notAcknowledged = new AtomicLong();
        AtomicBoolean flowing = new AtomicBoolean(true);
        List<Device> devices = new ArrayList<>();
        List<Thread> publishers = new ArrayList<>();
        AlertConfig alerts = AlertConfig.builder().evaluationInterval(INTERVAL)
                .workerDown(Duration.ofSeconds(15), 3, Duration.ofSeconds(20)).build();
        try (PageReceiver pager = new PageReceiver();
             HttpSink sink = HttpSink.start(16);
             TestCloud test = TestCloud.builder().dataDir(dir.resolve("data")).http().limits(TestCloud.UNLIMITED)
                     .configure(b -> b.integrations(faults.applyTo(IntegrationSettings.builder().workers(3)).build())
                             .alerts(alerts).pageUrl(pager.url()).pageRoutingKey("replay")).start()) {
            Cloud cloud = test.cloud();
            sink.respondWith(r -> {
                sunk.add(r.form().get("data"));
                return HttpSink.Answer.ok("ok");
            });
            cloud.integrations().store().create("alice", IntegrationSpec.builder().eventPrefix("temp")
                    .target(WebhookSettings.builder().url(sink.url("/in")).build()).build());
            try {
                for (int d = 0; d < DEVICES; d++) {
                    Device device = device(test);
                    devices.add(device);
                    device.connect();
                    publishers.add(publishUntilStopped(device, "d" + d + "-", flowing, acknowledged,
                            notAcknowledged));
                }
                Await.until("the healthy pipeline delivers", () -> sunk.size() >= 60, Duration.ofSeconds(60));
                assertThat(pager.received()).as("a healthy cloud pages nobody").isEmpty();

                faults.leakFds(2, Files.createFile(dir.resolve("leaked")), 1, FD_BUDGET);
                Await.until("worker 2 dies of fd exhaustion", () -> faults.firstFailureAt() != 0,
                        Duration.ofSeconds(60));
                long died = faults.firstFailureAt();
                int sunkAtDeath = sunk.size();
                Await.until("worker 2 is in a crash loop", () -> restarts(cloud, "w2") >= 3, Duration.ofSeconds(60));
                long conditionHolds = System.currentTimeMillis();

                PageReceiver.Received page = pager.await(pagerDuty("trigger", RuleId.WORKER_DOWN)
                        .or(pagerDuty("trigger", RuleId.FLOW_IMBALANCE)), Duration.ofSeconds(60));
                assertThat(page.at() - died).as("paged within 60 s of the death").isLessThan(60_000);
                assertThat(page.at() - conditionHolds).as("page after the third restart")
                        .isLessThanOrEqualTo(INTERVAL.plusSeconds(1).toMillis());
                assertThat(page.body().path("payload").path("summary").asText()).contains("w2: restarted")
                        .doesNotContain("w0").doesNotContain("w1");
                assertThat(page.body().path("routing_key").asText()).isEqualTo("replay");
                assertThat(component(status(cloud), "Integrations")).isEqualTo("partial_outage");
                assertThat(component(status(cloud), "Device connectivity")).isEqualTo("operational");
                Await.until("the two healthy workers keep traffic flowing", () -> sunk.size() >= sunkAtDeath + 100,
                        Duration.ofSeconds(60));
                assertThat(faults.leakedFds()).isEqualTo(FD_BUDGET);
                assertThat(restarts(cloud, "w0") + restarts(cloud, "w1")).isZero();

                faults.heal();
                flowing.set(false);
                for (Thread publisher : publishers) {
                    publisher.join();
                }
                Await.until("every acknowledged event reached the sink", () -> sunk.containsAll(acknowledged),
                        Duration.ofSeconds(60));
                pager.await(pagerDuty("resolve", RuleId.WORKER_DOWN), Duration.ofSeconds(60));
                Await.until("the status page shows the incident resolved", () -> {
                    JsonNode status = status(cloud);
                    return latestIncident(status).equals("resolved")
                            && component(status, "Integrations").equals("operational");
                });
                // The pipeline's own books balance too: every delivery queued was delivered (results the queue
                // applied), and none was dead-lettered, dropped or left behind.
                Await.until("the flow counters balance", () -> {
                    OpsSignals.Flow flow = cloud.integrations().opsSignals().flow().orElseThrow();
                    return flow.queued() == 0 && flow.failed() == 0 && flow.matched() == flow.delivered();
                });
                assertThat(rule(status(cloud), "flow-imbalance")).isEqualTo("ok");
                System.out.printf("IncidentReplayTest: %d publishes acknowledged (%d not), all delivered; worker 2"
                                + " died %d times, paged %d ms after its first death: %s%n", acknowledged.size(),
                        notAcknowledged.get(), faults.failures(), page.at() - died,
                        page.body().path("payload").path("summary").asText());
            } finally {
                flowing.set(false);
                for (Thread publisher : publishers) {
                    publisher.join();
                }
                devices.forEach(Device::close);
                faults.heal();
            }
        }
    }

    /** A PSK device of alice, registered in the cloud, on virtual threads; it checks the default limits itself. */
    private static Device device(TestCloud cloud) {
        return cloud.device(cloud.pskCredentials("alice"), b -> b.handshakeTimeout(Duration.ofSeconds(10))
                .requestTimeout(Duration.ofSeconds(20)).limits(Limits.DEFAULTS));
    }

    /** Publishes {@code prefix0}, {@code prefix1}, ... with acknowledgement, about 40 a second, until stopped. */
    private static Thread publishUntilStopped(Device device, String prefix, AtomicBoolean flowing,
                                              Set<String> acknowledged, AtomicLong notAcknowledged) {
        return Thread.ofVirtual().start(() -> {
            for (int seq = 0; flowing.get(); seq++) {
                String payload = prefix + seq;
                try {
                    device.publish("temp", payload).get(30, TimeUnit.SECONDS);
                    acknowledged.add(payload);
                } catch (ExecutionException | TimeoutException e) {
                    notAcknowledged.incrementAndGet(); // not acknowledged: a device would publish it again
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    Thread.sleep(25); // pacing, not synchronisation
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private static long restarts(Cloud cloud, String worker) {
        return cloud.integrations().workerHealth().stream().filter(w -> w.name().equals(worker)).findFirst()
                .orElseThrow().restarts();
    }

    private static JsonNode status(Cloud cloud) {
        return StatusJson.fetch(URI.create("http://127.0.0.1:" + cloud.httpAddress().getPort()));
    }
}
