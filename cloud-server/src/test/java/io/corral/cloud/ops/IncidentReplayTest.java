package io.corral.cloud.ops;

import static io.corral.cloud.ops.PageReceiver.pagerDuty;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.ops.MiniPipeline.Fault;
import io.corral.cloud.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incident Corral was born from, replayed with the default rule settings: three workers, one dies of fd
 * exhaustion while the other two keep traffic flowing. Somebody must be paged within 60 s, and no acknowledged
 * event may be lost.
 */
class IncidentReplayTest {
    @TempDir
    Path dir;

    @Test
    void worker_dying_of_fd_exhaustion_pages_within_60_s_and_loses_no_acknowledged_event() throws Exception {
        long open = new ProcessFds().fds().orElseThrow().open();
        AtomicBoolean traffic = new AtomicBoolean(true);
        try (MiniPipeline pipeline = new MiniPipeline(Files.createFile(dir.resolve("fd-target")), open + 400);
             // The defaults of the table (15 s heartbeat, 80 % fds), evaluated every second.
             OpsFixture f = new OpsFixture(pipeline, c -> c.evaluationInterval(Duration.ofSeconds(1)))) {
            pipeline.startWorker("worker-1", Fault.NONE);
            pipeline.startWorker("worker-2", Fault.NONE);
            pipeline.startWorker("worker-3", Fault.NONE);
            Thread publisher = Thread.ofVirtual().start(() -> {
                while (traffic.get()) {
                    pipeline.publish(3);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            Thread.sleep(1_000);
            pipeline.setFault("worker-3", Fault.LEAKS_FDS);
            Await.until("worker-3 died of fd exhaustion", () -> !pipeline.alive("worker-3"));
            long died = System.currentTimeMillis();

            PageReceiver.Received page = f.pager.await(
                    pagerDuty("trigger", RuleId.WORKER_DOWN).or(pagerDuty("trigger", RuleId.FLOW_IMBALANCE)),
                    Duration.ofSeconds(60));
            assertThat(page.at() - died).isLessThan(60_000);
            assertThat(page.body().path("payload").path("summary").asText()).contains("worker-3");
            assertThat(f.ops.status().components()).filteredOn(c -> c.component() == Component.INTEGRATIONS)
                    .singleElement().extracting(StatusReport.ComponentStatus::state)
                    .isEqualTo(StatusReport.State.PARTIAL_OUTAGE);

            traffic.set(false);
            publisher.join();
            pipeline.releaseLeakedFds();
            long acknowledged = pipeline.acknowledged();
            Await.until("the two healthy workers deliver everything acknowledged",
                    () -> pipeline.sunk().size() == acknowledged);
            assertThat(pipeline.sunk()).containsExactlyInAnyOrderElementsOf(
                    LongStream.rangeClosed(1, acknowledged).boxed().toList());
        }
    }
}
