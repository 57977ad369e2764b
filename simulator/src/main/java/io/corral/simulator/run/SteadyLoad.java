package io.corral.simulator.run;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.HdrHistogram.Recorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steady scenario's load: every device publishes (acknowledged) every publish interval, at a random offset
 * so they do not publish in step, and the API calls function {@code ping} on random devices at the call rate.
 */
final class SteadyLoad {
    private static final Logger LOG = LoggerFactory.getLogger(SteadyLoad.class);

    private final VirtualFleet devices;
    private final RunSettings settings;
    private final URI cloudUrl;
    private final Recorder publishMicros = new Recorder(3);
    private final Recorder callMicros = new Recorder(3);
    private final LongAdder published = new LongAdder();
    private final LongAdder publishFailures = new LongAdder();
    private final LongAdder calls = new LongAdder();
    private final LongAdder callFailures = new LongAdder();
    private final AtomicLong pending = new AtomicLong();

    SteadyLoad(VirtualFleet devices, RunSettings settings, URI cloudUrl) {
        this.devices = devices;
        this.settings = settings;
        this.cloudUrl = cloudUrl;
    }

    RunResult.Steady run(Consumer<String> phase) throws InterruptedException {
        phase.accept("steady load");
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("sim-steady").factory());
        List<ScheduledFuture<?>> tasks = new ArrayList<>();
        long interval = settings.publishInterval().toNanos();
        for (VirtualDevice device : devices.devices) {
            long offset = ThreadLocalRandom.current().nextLong(interval);
            tasks.add(timer.scheduleAtFixedRate(() -> publish(device), offset, interval, TimeUnit.NANOSECONDS));
        }
        Thread caller = null;
        if (settings.callRate() > 0 && settings.token() != null && cloudUrl != null) {
            caller = Thread.ofVirtual().name("sim-caller").start(this::callLoop);
        } else if (settings.callRate() > 0) {
            LOG.warn("no --token (or no cloud URL): the steady run makes no function calls through the API");
        }
        Thread.sleep(settings.duration().toMillis());
        tasks.forEach(task -> task.cancel(false));
        if (caller != null) {
            caller.interrupt();
            caller.join();
        }
        timer.shutdownNow();
        long deadline = System.nanoTime() + Duration.ofSeconds(35).toNanos();
        while (pending.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return new RunResult.Steady(published.sum(), publishFailures.sum(),
                FleetRun.millis(publishMicros.getIntervalHistogram()), calls.sum(), callFailures.sum(),
                FleetRun.millis(callMicros.getIntervalHistogram()));
    }

    private void publish(VirtualDevice device) {
        long started = System.nanoTime();
        pending.incrementAndGet();
        device.device.publish("sim/steady", Long.toString(started)).whenComplete((ok, failure) -> {
            pending.decrementAndGet();
            if (failure == null) {
                published.increment();
                publishMicros.recordValue(Math.max(1, (System.nanoTime() - started) / 1000));
            } else {
                publishFailures.increment();
            }
        });
    }

    private void callLoop() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long gap = (long) (1e9 / settings.callRate());
        long next = System.nanoTime();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                VirtualDevice target = devices.devices.get(ThreadLocalRandom.current().nextInt(devices.size()));
                HttpRequest request = HttpRequest.newBuilder(cloudUrl.resolve("/v1/devices/"
                                + target.device.id() + "/ping")).timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + settings.token())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"arg\":\"sim\"}")).build();
                long started = System.nanoTime();
                pending.incrementAndGet();
                http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                    pending.decrementAndGet();
                    calls.increment();
                    if (failure == null && response.statusCode() == 200) {
                        callMicros.recordValue(Math.max(1, (System.nanoTime() - started) / 1000));
                    } else {
                        callFailures.increment();
                    }
                });
                next += gap;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
