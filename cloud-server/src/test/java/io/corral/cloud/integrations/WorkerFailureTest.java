package io.corral.cloud.integrations;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.integrations.delivery.WorkerHooks;
import io.corral.cloud.integrations.model.Delivery;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.HttpSink;
import io.corral.cloud.testkit.TestPipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One of two workers keeps failing (throwing, or hanging): the supervisor replaces it, its leases go back to the
 * queue, every event reaches the sink, and the failures are counted.
 */
class WorkerFailureTest {
    private static final int EVENTS = 500;

    @TempDir
    Path dataDir;
    private TestPipeline pipeline;
    private SqliteIntegrationDatabase db;
    private HttpSink sink;
    private Integrations integrations;
    private final List<String> replaced = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /**
     * @param hangTimeout silence after which the supervisor abandons a worker: short where a worker hangs on
     *                    purpose, long elsewhere so that a healthy worker starved of CPU is never taken for hung
     */
    private void start(WorkerHooks hooks, Duration hangTimeout) {
        pipeline = TestPipeline.builder().workers(2).settings(s -> s.hangTimeout(hangTimeout).hooks(hooks))
                .listener(new IntegrationListener() {
                    @Override
                    public void onWorkerReplaced(String workerId, String reason) {
                        replaced.add(workerId + ": " + reason);
                    }
                }).start(dataDir);
        db = pipeline.db();
        sink = pipeline.sink();
        integrations = pipeline.integrations();
    }

    private Set<String> publish() {
        return pipeline.publish(EVENTS);
    }

    private void assertAllDelivered(Set<String> ids) {
        Await.until("all " + EVENTS + " events reached the sink", () -> sink.eventIds().keySet().containsAll(ids));
        Await.until("the queue is empty", () -> db.queue().counts(null).total() == 0);
        Map<String, Integer> seen = sink.eventIds();
        long duplicates = seen.values().stream().mapToInt(n -> n - 1).sum();
        System.out.printf("%s: %d events, %d deliveries, %d duplicates, %d worker failures%n",
                getClass().getSimpleName(), ids.size(), seen.values().stream().mapToInt(n -> n).sum(), duplicates,
                integrations.stats().workerFailures());
    }

    @Test
    void a_worker_that_keeps_throwing_is_replaced_and_nothing_is_lost() {
        AtomicInteger dispatches = new AtomicInteger();
        start(new WorkerHooks() {
            @Override
            public void beforeDispatch(int slot, Delivery delivery) {
                // Worker 0 dies on every third delivery it touches, with leases in hand and sends in flight.
                if (slot == 0 && dispatches.incrementAndGet() % 3 == 0) {
                    throw new IllegalStateException("injected failure of worker 0");
                }
            }
        }, Duration.ofSeconds(30));
        Set<String> ids = publish();

        assertAllDelivered(ids);
        assertThat(integrations.stats().workerFailures()).as("every death is counted").isGreaterThanOrEqualTo(1);
        assertThat(replaced).as("and told").hasSize((int) integrations.stats().workerFailures())
                .allSatisfy(r -> assertThat(r).contains(":w0.").contains("injected failure of worker 0"));
        assertThat(integrations.workerIds()).hasSizeBetween(1, 2);
    }

    @Test
    void a_worker_that_hangs_is_abandoned_and_its_leases_go_to_the_other() {
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger hangs = new AtomicInteger();
        start(new WorkerHooks() {
            @Override
            public void beforeDispatch(int slot, Delivery delivery) {
                if (slot == 0) {
                    hangs.incrementAndGet();
                    try {
                        never.await(); // until the supervisor gives up on it and interrupts it
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }, Duration.ofSeconds(1));
        Set<String> ids = publish();

        assertAllDelivered(ids);
        assertThat(hangs.get()).isPositive();
        assertThat(integrations.stats().workerFailures()).isGreaterThanOrEqualTo(1);
    }
}
