package io.corral.cloud.integrations;

import static io.corral.cloud.testkit.PageReceiver.pagerDuty;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.integrations.delivery.RetryPolicy;
import io.corral.cloud.integrations.delivery.WorkerHooks;
import io.corral.cloud.integrations.model.Delivery;
import io.corral.cloud.ops.AlertConfig;
import io.corral.cloud.ops.Ops;
import io.corral.cloud.ops.RuleId;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.HttpSink;
import io.corral.cloud.testkit.PageReceiver;
import io.corral.cloud.testkit.TestOps;
import io.corral.cloud.testkit.TestPipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules on the real integration pipeline: its supervisor's restarts, its conservation counters and its
 * durable queue feed {@link Integrations#opsSignals()}; pages go to a real receiver.
 */
class IntegrationAlertsTest {
    @TempDir
    Path dataDir;
    private TestPipeline pipeline;
    private TestOps alerting;
    private HttpSink sink;
    private PageReceiver pager;
    private Ops ops;

    @AfterEach
    void close() {
        if (alerting != null) {
            alerting.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private void start(int workers, WorkerHooks hooks, UnaryOperator<AlertConfig.Builder> alerts) {
        pipeline = TestPipeline.builder().workers(workers).settings(s -> s.hangTimeout(Duration.ofSeconds(1))
                        .retry(new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMinutes(5)))
                        .hooks(hooks))
                .start(dataDir);
        sink = pipeline.sink();
        alerting = new TestOps(pipeline.signals(), alerts,
                b -> b.notifierRetry(3, Duration.ofMillis(50), Duration.ofMillis(100)));
        pager = alerting.pager();
        ops = alerting.ops();
    }

    private Set<String> publish(int n) {
        return pipeline.publish(n);
    }

    @Test
    void a_worker_of_three_in_a_crash_loop_pages_worker_down_and_loses_nothing() throws InterruptedException {
        AtomicBoolean broken = new AtomicBoolean(true);
        start(3, new WorkerHooks() {
            @Override
            public void beforeDispatch(int slot, Delivery delivery) {
                if (slot == 0 && broken.get()) {
                    throw new IllegalStateException("injected: worker 0 has no file descriptors left");
                }
            }
        }, c -> c.workerDown(Duration.ofSeconds(15), 3, Duration.ofSeconds(3)));
        Set<String> ids = new HashSet<>();
        long until = System.currentTimeMillis() + 20_000;
        // Publishing goes on until worker-down pages. Another page may come first: flow-imbalance can misfire in a
        // window that began while the first events were in flight (noted as a known issue in stop 20).
        var workerDownTrigger = pagerDuty("trigger", RuleId.WORKER_DOWN);
        while (pager.received().stream().noneMatch(r -> workerDownTrigger.test(r.body()))
                && System.currentTimeMillis() < until) {
            ids.addAll(publish(10));
            Thread.sleep(50);
        }

        PageReceiver.Received page = pager.await(pagerDuty("trigger", RuleId.WORKER_DOWN), Duration.ofSeconds(5));
        assertThat(page.body().path("payload").path("summary").asText()).contains("w0: restarted");

        broken.set(false);
        pager.await(pagerDuty("resolve", RuleId.WORKER_DOWN), Duration.ofSeconds(15));
        Await.until("every acknowledged event reached the sink", () -> sink.eventIds().keySet().containsAll(ids));
    }

    @Test
    void a_webhook_that_keeps_failing_pages_a_delivery_backlog_until_it_drains() {
        AtomicBoolean down = new AtomicBoolean(true);
        start(2, WorkerHooks.NONE, c -> c.deliveryBacklog(Duration.ofSeconds(1)));
        sink.respondWith(r -> down.get() ? new HttpSink.Answer(503, "down", Duration.ZERO) : HttpSink.Answer.ok("ok"));
        Set<String> ids = publish(20);

        PageReceiver.Received page = pager.await(pagerDuty("trigger", RuleId.DELIVERY_BACKLOG),
                Duration.ofSeconds(10));
        assertThat(page.body().path("payload").path("summary").asText()).contains("oldest pending delivery");
        assertThat(ops.status().components()).anySatisfy(c -> {
            assertThat(c.component().title()).isEqualTo("Integrations");
            assertThat(c.state().wireName()).isEqualTo("partial_outage");
        });

        down.set(false);
        pager.await(pagerDuty("resolve", RuleId.DELIVERY_BACKLOG), Duration.ofSeconds(15));
        Await.until("all delivered", () -> sink.eventIds().keySet().containsAll(ids));
        assertThat(ops.activeAlerts()).extracting(a -> a.rule()).doesNotContain(RuleId.FLOW_IMBALANCE);
    }
}
