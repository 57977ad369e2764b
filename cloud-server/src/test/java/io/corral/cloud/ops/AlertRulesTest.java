package io.corral.cloud.ops;

import static io.corral.cloud.testkit.PageReceiver.pagerDuty;
import static io.corral.cloud.testkit.PageReceiver.slack;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.events.Event;
import io.corral.cloud.events.InProcessEventBus;
import io.corral.cloud.integrations.InjectedFaults;
import io.corral.cloud.integrations.IntegrationSettings;
import io.corral.cloud.integrations.delivery.RetryPolicy;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.PageReceiver;
import io.corral.cloud.testkit.TestOps;
import io.corral.cloud.testkit.TestPipeline;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each built-in rule against a real failure: a lost worker, a crash-looping worker and a silently dropping worker of
 * the real integration pipeline (faults injected into its workers), a stalled webhook sink, files held open, a bus
 * whose traffic stops, a receiver that refuses. Pages go to a real HTTP receiver.
 */
class AlertRulesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** Faults in the workers of this test's pipeline; healed when the pipeline closes. */
    private final InjectedFaults faults = new InjectedFaults();

    /** A real pipeline of {@code workers} workers, any of which {@link #faults} may break. */
    private TestPipeline pipeline(int workers) {
        return pipeline(workers, s -> s);
    }

    /** {@code workers} workers with quick retries and hang detection, and {@code settings} over those. */
    private TestPipeline pipeline(int workers, UnaryOperator<IntegrationSettings.Builder> settings) {
        return TestPipeline.builder().workers(workers).beforeClose(faults::heal)
                .settings(s -> settings.apply(faults.applyTo(s.hangTimeout(Duration.ofSeconds(30))
                        .retry(new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMinutes(5))))))
                .start(dir.resolve("pipeline"));
    }

    @Test
    void killed_worker_pages_degrades_integrations_and_resolves_when_its_supervisor_replaces_it() throws Exception {
        // A worker whose thread is lost (stuck in a call that never returns) shows no life. The supervisor gives up
        // on it after its hang timeout (10 s) and starts another; the rule sees the silence after 3 s (well above a
        // slow lease of a healthy worker on a busy disk).
        try (TestPipeline pipeline = pipeline(3, s -> s.hangTimeout(Duration.ofSeconds(10)));
             TestOps f = new TestOps(pipeline.signals(), c -> c.workerDown(Duration.ofSeconds(3), 3,
                     Duration.ofMinutes(10)))) {
            Set<String> ids = new HashSet<>(pipeline.publish(20));
            Await.until("the healthy pipeline delivers", () -> pipeline.sunk().containsAll(ids));
            assertThat(f.ops().activeAlerts()).isEmpty();

            faults.freezeOnce(1);
            Await.until("worker w1 takes a delivery and freezes", () -> {
                ids.addAll(pipeline.publish(3));
                return faults.frozenAt() != 0;
            });
            long conditionHolds = faults.frozenAt() + 3_000;
            PageReceiver.Received page = f.pager().await(pagerDuty("trigger", RuleId.WORKER_DOWN), WAIT);

            f.assertPagedInTime(page, RuleId.WORKER_DOWN, conditionHolds);
            assertThat(page.body().path("routing_key").asText()).isEqualTo("test-key");
            assertThat(page.body().path("payload").path("severity").asText()).isEqualTo("critical");
            assertThat(page.body().path("payload").path("component").asText()).isEqualTo("Integrations");
            assertThat(page.body().path("payload").path("summary").asText()).contains("w1: no heartbeat")
                    .doesNotContain("w0").doesNotContain("w2");
            assertThat(page.body().path("payload").path("source").asText()).isEqualTo("test-cloud");
            assertThat(f.component(Component.INTEGRATIONS)).isEqualTo(StatusReport.State.PARTIAL_OUTAGE);
            assertThat(f.component(Component.DEVICE_CONNECTIVITY)).isEqualTo(StatusReport.State.OPERATIONAL);
            assertThat(f.ops().status().incidents()).singleElement().satisfies(i -> {
                assertThat(i.open()).isTrue();
                assertThat(i.timeline().getFirst().status()).isEqualTo("investigating");
            });

            // The supervisor replaces the lost worker by itself; its leases went back, so nothing is missing.
            f.pager().await(pagerDuty("resolve", RuleId.WORKER_DOWN), Duration.ofSeconds(30));
            Await.until("status back to operational",
                    () -> f.component(Component.INTEGRATIONS) == StatusReport.State.OPERATIONAL);
            Incident incident = f.ops().status().incidents().getFirst();
            assertThat(incident.open()).isFalse();
            assertThat(incident.timeline().getLast().status()).isEqualTo("resolved");
            assertThat(pipeline.integrations().stats().workerFailures()).as("the lost worker was replaced")
                    .isEqualTo(1);
            Await.until("every acknowledged event reached the sink", () -> pipeline.sunk().containsAll(ids));
        }
    }

    @Test
    void worker_restarting_again_and_again_pages() throws Exception {
        try (TestPipeline pipeline = pipeline(3);
             TestOps f = new TestOps(pipeline.signals(), c -> c.workerDown(Duration.ofSeconds(5), 3,
                     Duration.ofMinutes(10)))) {
            faults.crashLoop(1);
            Set<String> ids = new HashSet<>();
            Await.until("worker w1 restarted 3 times", () -> {
                ids.addAll(pipeline.publish(5));
                return restarts(pipeline, "w1") >= 3;
            });
            long conditionHolds = System.currentTimeMillis();

            PageReceiver.Received page = f.pager().await(pagerDuty("trigger", RuleId.WORKER_DOWN), WAIT);
            f.assertPagedInTime(page, RuleId.WORKER_DOWN, conditionHolds);
            assertThat(page.body().path("payload").path("summary").asText()).contains("w1: restarted")
                    .doesNotContain("w0").doesNotContain("w2");
            assertThat(f.component(Component.INTEGRATIONS)).isEqualTo(StatusReport.State.PARTIAL_OUTAGE);

            faults.heal();
            Await.until("every acknowledged event reached the sink", () -> pipeline.sunk().containsAll(ids));
        }
    }

    private static long restarts(TestPipeline pipeline, String worker) {
        return pipeline.integrations().workerHealth().stream().filter(w -> w.name().equals(worker)).findFirst()
                .orElseThrow().restarts();
    }

    @Test
    void one_worker_of_three_dropping_silently_is_caught_by_the_flow_imbalance_rule() throws Exception {
        try (TestPipeline pipeline = pipeline(3);
             TestOps f = new TestOps(pipeline.signals(), c -> c.flowImbalance(Duration.ofSeconds(2), 0.05, 5))) {
            faults.dropSilently(2, pipeline.db().queue());
            Set<String> ids = ConcurrentHashMap.newKeySet();
            AtomicBoolean flowing = new AtomicBoolean(true);
            Thread traffic = Thread.ofVirtual().start(() -> {
                while (flowing.get()) {
                    ids.addAll(pipeline.publish(5));
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                PageReceiver.Received page = f.pager().await(pagerDuty("trigger", RuleId.FLOW_IMBALANCE), WAIT);
                assertThat(page.body().path("payload").path("summary").asText()).contains("missing");
                // Traffic never stopped, and no worker is down: only the conservation check sees it.
                assertThat(faults.dropped()).isPositive();
                assertThat(pipeline.sunk()).isNotEmpty();
                assertThat(f.ops().activeAlerts()).extracting(Alert::rule).doesNotContain(RuleId.WORKER_DOWN);
                assertThat(f.component(Component.INTEGRATIONS)).isEqualTo(StatusReport.State.PARTIAL_OUTAGE);

                faults.heal();
                f.pager().await(pagerDuty("resolve", RuleId.FLOW_IMBALANCE), WAIT);
            } finally {
                flowing.set(false);
                traffic.join();
            }
            // The dropped events are gone for real, and they are the only ones.
            Await.until("the queue is empty", () -> pipeline.db().queue().counts(null).total() == 0);
            Set<String> lost = new HashSet<>(ids);
            lost.removeAll(pipeline.sunk());
            assertThat(lost).hasSize((int) faults.dropped());
        }
    }

    @Test
    void stalled_sink_pages_a_delivery_backlog_and_resolves_when_it_drains() throws Exception {
        try (TestPipeline pipeline = pipeline(1);
             TestOps f = new TestOps(pipeline.signals(), c -> c.deliveryBacklog(Duration.ofSeconds(1)))) {
            pipeline.stallSink();
            Set<String> ids = pipeline.publish(10);
            long conditionHolds = System.currentTimeMillis() + 1000;

            PageReceiver.Received page = f.pager().await(pagerDuty("trigger", RuleId.DELIVERY_BACKLOG), WAIT);
            f.assertPagedInTime(page, RuleId.DELIVERY_BACKLOG, conditionHolds);
            assertThat(page.body().path("payload").path("summary").asText()).contains("oldest pending delivery");
            assertThat(f.component(Component.INTEGRATIONS)).isEqualTo(StatusReport.State.PARTIAL_OUTAGE);
            assertThat(pipeline.sunk()).as("the stalled sink has answered nothing").isEmpty();

            pipeline.unstallSink();
            f.pager().await(pagerDuty("resolve", RuleId.DELIVERY_BACKLOG), WAIT);
            Await.until("all 10 delivered", () -> pipeline.sunk().containsAll(ids));
        }
    }

    @Test
    void holding_fds_open_past_80_percent_pages_and_releasing_them_resolves() throws Exception {
        ProcessFds fds = new ProcessFds();
        OpsSignals.Fds before = fds.fds().orElseThrow(() -> new AssertionError("fd counts need a Unix JVM"));
        // Measured against a budget 600 above what is open now (or the process limit if lower): real fds, quickly.
        long budget = Math.min(before.max(), before.open() + 600);
        Path target = Files.createFile(dir.resolve("held"));
        List<FileChannel> held = new ArrayList<>();
        try (TestOps f = new TestOps(fds, c -> c.fileDescriptorBudget(budget)
                .fileDescriptors(0.8, Duration.ofHours(1), Duration.ofSeconds(2)))) {
            Thread.sleep(400);
            assertThat(f.ops().activeAlerts()).isEmpty();
            while (fds.fds().orElseThrow().open() <= budget * 0.82) {
                held.add(FileChannel.open(target, StandardOpenOption.READ));
            }
            long crossed = System.currentTimeMillis();

            PageReceiver.Received page = f.pager().await(pagerDuty("trigger", RuleId.FILE_DESCRIPTORS), WAIT);
            f.assertPagedInTime(page, RuleId.FILE_DESCRIPTORS, crossed);
            assertThat(page.body().path("payload").path("summary").asText()).contains("file descriptors");
            assertThat(f.component(Component.INTEGRATIONS)).isEqualTo(StatusReport.State.PARTIAL_OUTAGE);

            for (FileChannel c : held) {
                c.close();
            }
            held.clear();
            f.pager().await(pagerDuty("resolve", RuleId.FILE_DESCRIPTORS), WAIT);
            Await.until("incident resolved", () -> f.ops().status().incidents().stream().noneMatch(Incident::open));
        } finally {
            for (FileChannel c : held) {
                c.close();
            }
        }
    }

    @Test
    void event_traffic_below_its_learned_baseline_opens_a_ticket_not_a_page() throws Exception {
        InProcessEventBus bus = new InProcessEventBus();
        OpsSignals published = new OpsSignals() {
            @Override
            public Optional<Long> eventsPublished() {
                return Optional.of(bus.publishedCount());
            }
        };
        AtomicLong rate = new AtomicLong(40);
        Thread traffic = Thread.ofVirtual().start(() -> {
            while (rate.get() >= 0) {
                for (int i = 0; i < rate.get() / 20; i++) {
                    bus.publish(Event.create("temp", new byte[] {1}, Event.TEXT_PLAIN, 60, "api", "alice"));
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try (TestOps f = new TestOps(published, c -> c.eventTrafficLow(0.5, Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ofSeconds(2), 1).holdFor(RuleId.EVENT_TRAFFIC_LOW,
                Duration.ofMillis(600)))) {
            Thread.sleep(2_500);
            // A stalled traffic thread may make the rule pending for a moment; it must not fire.
            assertThat(f.ops().activeAlerts()).noneMatch(Alert::firing);
            assertThat(f.slack().received()).isEmpty();

            rate.set(0);
            f.slack().await(slack("FIRING", RuleId.EVENT_TRAFFIC_LOW), WAIT);
            assertThat(f.component(Component.EVENTS_AND_STREAMS)).isEqualTo(StatusReport.State.DEGRADED);
            assertThat(f.pager().received()).as("a ticket rule never pages").isEmpty();

            rate.set(40);
            PageReceiver.Received resolved = f.slack().await(slack("RESOLVED", RuleId.EVENT_TRAFFIC_LOW), WAIT);
            assertThat(resolved.body().path("attachments").get(0).path("color").asText()).isEqualTo("good");
        } finally {
            rate.set(-1);
            traffic.join();
            bus.close();
        }
    }

    @Test
    void most_handshakes_deferred_opens_a_ticket() throws Exception {
        AtomicLong admitted = new AtomicLong();
        AtomicLong deferred = new AtomicLong();
        OpsSignals admission = new OpsSignals() {
            @Override
            public Optional<Admission> admission() {
                return Optional.of(new Admission(admitted.get(), deferred.get()));
            }
        };
        try (TestOps f = new TestOps(admission, c -> c.admissionDeferring(0.5, Duration.ofSeconds(1), 20)
                .holdFor(RuleId.ADMISSION_DEFERRING, Duration.ofMillis(600)))) {
            long until = System.currentTimeMillis() + 3_000;
            while (System.currentTimeMillis() < until && f.slack().received().isEmpty()) {
                admitted.addAndGet(2);
                deferred.addAndGet(18);
                Thread.sleep(50);
            }
            PageReceiver.Received ticket = f.slack().await(slack("FIRING", RuleId.ADMISSION_DEFERRING), WAIT);
            assertThat(ticket.body().path("text").asText()).contains("handshakes deferred");
            assertThat(f.component(Component.DEVICE_CONNECTIVITY)).isEqualTo(StatusReport.State.DEGRADED);
            f.slack().await(slack("RESOLVED", RuleId.ADMISSION_DEFERRING), WAIT);
        }
    }

    @Test
    void failing_pager_is_retried_shown_on_the_status_page_and_reported_through_the_ticket_route() throws Exception {
        try (TestPipeline pipeline = pipeline(1);
             TestOps f = new TestOps(pipeline.signals(), c -> c.deliveryBacklog(Duration.ofMillis(300))
                     .notifierFailing(3))) {
            f.pager().fail(1, 503);
            pipeline.stallSink();
            pipeline.publish(1);
            // One refusal, then the retry gets through.
            f.pager().await(pagerDuty("trigger", RuleId.DELIVERY_BACKLOG), WAIT);
            assertThat(f.pager().attempts()).isGreaterThanOrEqualTo(2);

            f.pager().fail(1_000, 500);
            pipeline.unstallSink();
            f.slack().await(slack("FIRING", RuleId.NOTIFIER_FAILING), WAIT);
            NotifierHealth pager = f.ops().notifierHealth().stream().filter(h -> h.name().equals("pagerduty"))
                    .findFirst().orElseThrow();
            assertThat(pager.healthy()).isFalse();
            assertThat(pager.lastError()).contains("HTTP 500");
            assertThat(StatusPage.html(f.ops().status())).contains("FAILING");
            assertThat(StatusPage.json(f.ops().status()).get("notifiers").toString()).contains("healthy=false");

            // A notifier's health is known from its sends: the next page that gets through clears it.
            f.pager().fail(0, 500);
            pipeline.stallSink();
            pipeline.publish(1);
            f.slack().await(slack("RESOLVED", RuleId.NOTIFIER_FAILING), Duration.ofSeconds(15));
            pipeline.unstallSink();
        }
    }
}
