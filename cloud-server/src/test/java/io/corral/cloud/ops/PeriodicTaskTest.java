package io.corral.cloud.ops;

import static io.corral.cloud.testkit.PageReceiver.pagerDuty;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.PageReceiver;
import io.corral.cloud.testkit.SmallDisk;
import io.corral.cloud.testkit.TestOps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Periodic tasks survive any {@link Throwable} and are counted on {@code /metrics}; a task that stops anyway pages
 * {@code watchdog-stalled}; a data directory on a filling disk pages {@code disk-free}.
 */
class PeriodicTaskTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void a_task_throwing_errors_keeps_running_and_each_failure_is_counted_on_metrics() {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger runs = new AtomicInteger();
        try (CloudMetrics metrics = new CloudMetrics()) {
            Periodic.withFixedDelay(timer, "test-throwing", Duration.ofMillis(10), () -> {
                int n = runs.incrementAndGet();
                if (n == 1) {
                    throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
                } else if (n == 2) {
                    throw new StackOverflowError();
                } else if (n == 3) {
                    throw new IllegalStateException("too many open files");
                }
            });
            Await.until("the task ran on after three failures", () -> runs.get() >= 6);
            assertThat(Periodic.failures("test-throwing")).isEqualTo(3);
            assertThat(metrics.scrape()).contains("corral_task_failures_total{task=\"test-throwing\"} 3.0")
                    .contains("corral_task_period_seconds{task=\"test-throwing\"} 0.01");
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void a_task_that_stops_finishing_runs_pages_watchdog_stalled_and_resolves_when_it_runs_again() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch unblock = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        OpsSignals onlyThisTask = new OpsSignals() {
            @Override
            public Optional<List<Periodic.Task>> periodicTasks() {
                return Optional.of(Periodic.tasks().stream().filter(t -> t.name().equals("test-stuck")).toList());
            }
        };
        try (TestOps f = new TestOps(onlyThisTask, c -> c.watchdogStalled(5))) {
            Periodic.withFixedDelay(timer, "test-stuck", Duration.ofMillis(100), () -> {
                if (runs.incrementAndGet() == 3) {
                    try {
                        unblock.await(); // blocked forever, as a watchdog stuck in a syscall would be
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            Await.until("the task ran twice", () -> runs.get() >= 2);
            assertThat(f.ops().firing(RuleId.WATCHDOG_STALLED)).isFalse();

            PageReceiver.Received page = f.pager().await(pagerDuty("trigger", RuleId.WATCHDOG_STALLED), WAIT);
            assertThat(runs.get()).as("it pages only once the task is stuck").isEqualTo(3);
            assertThat(page.body().path("payload").path("summary").asText())
                    .contains("test-stuck: no run finished for").contains("runs every 0.1 s");
            assertThat(page.body().path("payload").path("severity").asText()).isEqualTo("critical");

            unblock.countDown();
            f.pager().await(pagerDuty("resolve", RuleId.WATCHDOG_STALLED), WAIT);
            assertThat(runs.get()).isGreaterThan(3);
        } finally {
            timer.shutdownNow();
        }
        Await.until("a shut-down task is no longer listed",
                () -> Periodic.tasks().stream().noneMatch(t -> t.name().equals("test-stuck")));
    }

    @Test
    void a_filling_data_disk_pages_disk_free_with_its_threshold_and_resolves_when_space_returns() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir, 8);
             TestOps f = new TestOps(new DataDisk(disk.path()), c -> c.diskFree(4L * 1024 * 1024, 0.01))) {
            Await.until("evaluated once", () -> f.ops().status().rules().stream()
                    .anyMatch(r -> r.rule() == RuleId.DISK_FREE && r.state().equals("ok")));

            disk.ballast(6L * 1024 * 1024);
            PageReceiver.Received page = f.pager().await(pagerDuty("trigger", RuleId.DISK_FREE), WAIT);
            assertThat(page.body().path("payload").path("summary").asText()).contains(disk.path().toString())
                    .contains("alert below 4194304 bytes");

            disk.freeBallast();
            f.pager().await(pagerDuty("resolve", RuleId.DISK_FREE), WAIT);
        }
    }
}
