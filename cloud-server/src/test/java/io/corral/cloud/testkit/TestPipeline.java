package io.corral.cloud.testkit;

import io.corral.cloud.events.Event;
import io.corral.cloud.integrations.IntegrationListener;
import io.corral.cloud.integrations.IntegrationSettings;
import io.corral.cloud.integrations.Integrations;
import io.corral.cloud.integrations.model.IntegrationSpec;
import io.corral.cloud.integrations.model.WebhookSettings;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.ops.OpsSignals;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

/**
 * The real integration pipeline without a cloud around it: the SQLite delivery queue, supervised workers, and a
 * webhook integration of {@code alice} for {@code temp} events to a real {@link HttpSink}. Events go in as a
 * device's publish hands them off ({@link #publish}). Closing it closes the workers, the database and the sink.
 */
public final class TestPipeline implements AutoCloseable {
    private final HttpSink sink = HttpSink.start(16);
    private final SqliteIntegrationDatabase db;
    private final Integrations integrations;
    private final Runnable beforeClose;
    private volatile CountDownLatch stall;

    private TestPipeline(Path dataDir, Builder b) {
        this.beforeClose = b.beforeClose;
        db = SqliteIntegrationDatabase.open(dataDir);
        Integrations.Builder builder = Integrations.builder().queue(db.queue()).store(db.integrations())
                .hookPublisher(e -> { })
                .settings(b.settings.apply(IntegrationSettings.builder().workers(b.workers).batchSize(8)
                        .pollInterval(Duration.ofMillis(50))).build());
        if (b.listener != null) {
            builder.listener(b.listener);
        }
        integrations = builder.build();
        integrations.store().create("alice", IntegrationSpec.builder().eventPrefix("temp")
                .target(WebhookSettings.builder().url(sink.url("/in")).build()).build());
        sink.respondWith(r -> {
            CountDownLatch stalled = stall;
            if (stalled != null) {
                try {
                    stalled.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return HttpSink.Answer.ok("ok");
        });
    }

    /** A pipeline of 2 workers taking batches of 8 and polling every 50 ms. */
    public static Builder builder() {
        return new Builder();
    }

    public HttpSink sink() {
        return sink;
    }

    public SqliteIntegrationDatabase db() {
        return db;
    }

    public Integrations integrations() {
        return integrations;
    }

    /** What the alert rules read of this pipeline. */
    public OpsSignals signals() {
        return integrations.opsSignals();
    }

    /**
     * {@code n} events named {@code temp} of owner {@code alice}, handed off as a device's publish would; returns
     * their ids once all are durable (acknowledged).
     */
    public Set<String> publish(int n) {
        Set<String> ids = new HashSet<>();
        List<CompletableFuture<Void>> commits = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Event event = Event.create("temp", ("" + i).getBytes(StandardCharsets.UTF_8), Event.TEXT_PLAIN, 60,
                    "0123456789abcdef01234567", "alice");
            ids.add(event.id());
            commits.add(integrations.handOff(event));
        }
        CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).join();
        return ids;
    }

    /**
     * From now on the sink takes requests in and answers none, until {@link #unstallSink()}. (A test that sets its
     * own {@link HttpSink#respondWith} answers replaces this.)
     */
    public void stallSink() {
        stall = new CountDownLatch(1);
    }

    /** Answers every stalled request and every new one. */
    public void unstallSink() {
        CountDownLatch stalled = stall;
        stall = null;
        if (stalled != null) {
            stalled.countDown();
        }
    }

    /** Event ids the sink accepted, each at least once. */
    public Set<String> sunk() {
        return sink.eventIds().keySet();
    }

    @Override
    public void close() {
        beforeClose.run();
        unstallSink();
        integrations.close();
        db.close();
        sink.close();
    }

    /** What the pipeline is made of; defaults as {@link TestPipeline#builder()} says. */
    public static final class Builder {
        private int workers = 2;
        private UnaryOperator<IntegrationSettings.Builder> settings = UnaryOperator.identity();
        private IntegrationListener listener;
        private Runnable beforeClose = () -> { };

        private Builder() {
        }

        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        /** More settings (retries, hang detection, worker hooks), applied over the kit's. */
        public Builder settings(UnaryOperator<IntegrationSettings.Builder> settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        public Builder listener(IntegrationListener listener) {
            this.listener = listener;
            return this;
        }

        /** Runs first when the pipeline closes: to heal injected faults, so that frozen workers can stop. */
        public Builder beforeClose(Runnable action) {
            this.beforeClose = Objects.requireNonNull(action, "action");
            return this;
        }

        /** Opens the queue in {@code dataDir}, starts the workers and creates the webhook integration. */
        public TestPipeline start(Path dataDir) {
            return new TestPipeline(dataDir, this);
        }
    }
}
