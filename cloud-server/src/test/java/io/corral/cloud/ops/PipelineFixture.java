package io.corral.cloud.ops;

import io.corral.cloud.integrations.HandOffs;
import io.corral.cloud.integrations.InjectedFaults;
import io.corral.cloud.integrations.IntegrationSettings;
import io.corral.cloud.integrations.model.IntegrationSpec;
import io.corral.cloud.integrations.Integrations;
import io.corral.cloud.integrations.delivery.RetryPolicy;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.integrations.model.WebhookSettings;
import io.corral.cloud.testkit.HttpSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

/**
 * The real integration pipeline for alert tests: the SQLite delivery queue, supervised workers, a webhook
 * integration of {@code alice} for {@code temp} events to a real HTTP sink, and {@link InjectedFaults} in the
 * workers. Events go in as a device's publish does ({@link Integrations#handOff}); the rules read
 * {@link Integrations#opsSignals()}.
 */
final class PipelineFixture implements AutoCloseable {
    final InjectedFaults faults = new InjectedFaults();
    final HttpSink sink = HttpSink.start(16);
    final SqliteIntegrationDatabase db;
    final Integrations integrations;
    private volatile CountDownLatch stall;

    /** {@code workers} workers with quick polls, retries and hang detection, and {@code settings} over those. */
    PipelineFixture(Path dataDir, int workers, UnaryOperator<IntegrationSettings.Builder> settings) {
        db = SqliteIntegrationDatabase.open(dataDir);
        integrations = Integrations.builder().queue(db.queue()).store(db.integrations()).hookPublisher(e -> { })
                .settings(settings.apply(faults.applyTo(IntegrationSettings.builder().workers(workers).batchSize(8)
                        .pollInterval(Duration.ofMillis(50)).hangTimeout(Duration.ofSeconds(30))
                        .retry(new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMinutes(5)))))
                        .build())
                .build();
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

    OpsSignals signals() {
        return integrations.opsSignals();
    }

    /** {@code n} events through the real queue; returns their ids once they are durable (acknowledged). */
    Set<String> publish(int n) {
        return HandOffs.temperatures(integrations, n);
    }

    /** From now on the sink takes requests in and answers none, until {@link #unstallSink()}. */
    void stallSink() {
        stall = new CountDownLatch(1);
    }

    /** Answers every stalled request and every new one. */
    void unstallSink() {
        CountDownLatch stalled = stall;
        stall = null;
        if (stalled != null) {
            stalled.countDown();
        }
    }

    /** Event ids the sink accepted, each at least once. */
    Set<String> sunk() {
        return sink.eventIds().keySet();
    }

    @Override
    public void close() {
        faults.heal();
        unstallSink();
        integrations.close();
        db.close();
        sink.close();
    }
}
