package io.corral.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.device.Device;
import io.corral.device.DeviceCredentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Load on a running cloud's HTTP API. {@code --mode calls}: provisions devices through the bulk endpoint, connects
 * them as real SDK devices and calls a function on them round-robin through {@code POST /v1/devices/{id}/{fn}}
 * from {@code --concurrency} clients, reporting calls per second and latency percentiles. {@code --mode fanout}:
 * opens {@code --clients} SSE streams and publishes through {@code POST /v1/devices/events}, reporting events
 * per second delivered across all streams, publish-to-delivery latency and slow-client disconnects.
 *
 * <pre>{@code
 * corral-bench api --api http://127.0.0.1:8080 --token TOKEN --mode calls --devices 100 --seconds 20
 * }</pre>
 */
@Command(name = "api", description = "Function-call round trips or SSE fan-out through a running cloud's HTTP API.")
final class ApiBench implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WARMUP = Duration.ofSeconds(5);

    @Option(names = "--api", defaultValue = "http://127.0.0.1:8080", description = "Base URL of the HTTP API.")
    URI api;

    @Option(names = "--token", required = true, description = "Access token of the benchmark's owner.")
    String token;

    @Option(names = "--mode", defaultValue = "calls", description = "calls or fanout.")
    String mode;

    @Option(names = "--devices", defaultValue = "100", description = "calls: devices to call (1..10000).")
    int devices;

    @Option(names = "--clients", defaultValue = "100", description = "fanout: SSE clients (1..10000).")
    int clients;

    @Option(names = "--concurrency", defaultValue = "64",
            description = "Requests in flight: function calls, or publishes in fanout mode (1..4096).")
    int concurrency;

    @Option(names = "--seconds", defaultValue = "20", description = "Measured duration after a 5 s warm-up.")
    int seconds;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(10)).build();

    @Override
    public Integer call() throws Exception {
        require("--devices", devices, 1, 10_000);
        require("--clients", clients, 1, 10_000);
        require("--concurrency", concurrency, 1, 4096);
        require("--seconds", seconds, 1, 3600);
        return switch (mode) {
            case "calls" -> calls();
            case "fanout" -> fanout();
            default -> throw new IllegalArgumentException("--mode must be calls or fanout, was " + mode);
        };
    }

    private int calls() throws Exception {
        long provisionStart = System.nanoTime();
        JsonNode fleet = send("POST", "/v1/devices/bulk", "{\"auth\":\"psk\",\"count\":" + devices + ",\"name_prefix\":\"bench-\"}");
        System.out.printf("provisioned %d devices in one bulk call in %d ms%n", devices,
                (System.nanoTime() - provisionStart) / 1_000_000);
        ScheduledExecutorService deviceExecutor = Executors.newScheduledThreadPool(2,
                Thread.ofPlatform().daemon().name("bench-devices-", 0).factory());
        List<Device> fleetDevices = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (JsonNode d : fleet.get("devices")) {
            Device device = Device.builder().credentials(DeviceCredentials.fromJson(d.get("credentials").toString()))
                    .threadFactory(Thread.ofVirtual().factory()).executor(deviceExecutor).build();
            device.function("echo", String::length);
            fleetDevices.add(device);
            ids.add(device.id());
        }
        long connectStart = System.nanoTime();
        fleetDevices.parallelStream().forEach(Device::connect);
        System.out.printf("connected %d devices in %d ms%n", devices, (System.nanoTime() - connectStart) / 1_000_000);

        Recorder latencies = new Recorder(3);
        LongAdder completed = new LongAdder();
        LongAdder failed = new LongAdder();
        long warmupEnd = System.nanoTime() + WARMUP.toNanos();
        long end = warmupEnd + Duration.ofSeconds(seconds).toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            int first = w;
            workers.add(Thread.ofVirtual().start(() -> {
                int next = first;
                while (System.nanoTime() < end) {
                    String id = ids.get(next++ % ids.size());
                    long started = System.nanoTime();
                    boolean ok = post("/v1/devices/" + id + "/echo", "{\"arg\":\"ping\"}") == 200;
                    if (started > warmupEnd) {
                        if (ok) {
                            completed.increment();
                            latencies.recordValue((System.nanoTime() - started) / 1000);
                        } else {
                            failed.increment();
                        }
                    }
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        Histogram h = latencies.getIntervalHistogram();
        System.out.printf("mode=calls devices=%d concurrency=%d seconds=%d completed=%d failed=%d rate=%.0f/s "
                        + "latency_us p50=%d p90=%d p99=%d max=%d%n", devices, concurrency, seconds, completed.sum(),
                failed.sum(), completed.sum() / (double) seconds, h.getValueAtPercentile(50),
                h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getMaxValue());
        fleetDevices.forEach(Device::close);
        deviceExecutor.shutdown();
        return failed.sum() == 0 ? 0 : 1;
    }

    private int fanout() throws Exception {
        Recorder latencies = new Recorder(3);
        LongAdder delivered = new LongAdder();
        AtomicBoolean measuring = new AtomicBoolean();
        CountDownLatch opened = new CountDownLatch(clients);
        List<InputStream> streams = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        LongAdder ended = new LongAdder();
        for (int c = 0; c < clients; c++) {
            HttpResponse<InputStream> response = http.send(request("/v1/events/bench").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("stream answered " + response.statusCode());
            }
            streams.add(response.body());
            readers.add(Thread.ofVirtual().start(() -> read(response.body(), opened, measuring, delivered, latencies, ended)));
        }
        opened.await();
        System.out.printf("opened %d event streams%n", clients);
        LongAdder published = new LongAdder();
        LongAdder failed = new LongAdder();
        long warmupEnd = System.nanoTime() + WARMUP.toNanos();
        long end = warmupEnd + Duration.ofSeconds(seconds).toNanos();
        List<Thread> publishers = new ArrayList<>();
        for (int p = 0; p < concurrency; p++) {
            publishers.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    long now = System.nanoTime();
                    if (now > warmupEnd && !measuring.get()) {
                        measuring.set(true);
                        latencies.reset();
                    }
                    boolean ok = post("/v1/devices/events", "{\"name\":\"bench/load\",\"data\":\"" + now + "\"}") == 200;
                    if (now > warmupEnd) {
                        (ok ? published : failed).increment();
                    }
                }
            }));
        }
        for (Thread publisher : publishers) {
            publisher.join();
        }
        measuring.set(false);
        long deliveredInWindow = delivered.sum();
        Histogram h = latencies.getIntervalHistogram();
        JsonNode stats = JSON.readTree(getText("/v1/ops/stats"));
        System.out.printf("mode=fanout clients=%d publishers=%d seconds=%d published=%d (%.0f/s) failed=%d "
                        + "delivered=%d (%.0f events/s) streams_ended=%d slow_disconnects=%d "
                        + "delivery_latency_us p50=%d p99=%d max=%d%n", clients, concurrency, seconds,
                published.sum(), published.sum() / (double) seconds, failed.sum(), deliveredInWindow,
                deliveredInWindow / (double) seconds, ended.sum(), stats.path("sse_slow_disconnects").asLong(-1),
                h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getMaxValue());
        for (InputStream stream : streams) {
            stream.close();
        }
        readers.forEach(Thread::interrupt);
        return 0;
    }

    /** Counts events of one stream; the data is the publisher's nanoTime (same JVM), for delivery latency. */
    private static void read(InputStream body, CountDownLatch opened, AtomicBoolean measuring, LongAdder delivered,
                             Recorder latencies, LongAdder ended) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.equals(":ok")) {
                    opened.countDown();
                } else if (line.startsWith("data: ") && measuring.get()) {
                    long now = System.nanoTime();
                    int start = line.indexOf("\"data\":\"") + 8;
                    long sent = Long.parseLong(line, start, line.indexOf('"', start), 10);
                    delivered.increment();
                    latencies.recordValue(Math.max(0, (now - sent) / 1000));
                }
            }
        } catch (IOException e) {
            // Closed at the end of the run, or cut off by the cloud as a slow client.
        } finally {
            ended.increment();
        }
    }

    private int post(String path, String json) {
        try {
            return http.send(request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private JsonNode send(String method, String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(path).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private String getText(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(api.resolve(path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30));
    }

    private static void require(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be in [" + min + ", " + max + "], was " + value);
        }
    }
}
