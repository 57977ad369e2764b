package io.corral.bench;

import io.corral.cloud.Cloud;
import io.corral.cloud.events.Event;
import io.corral.cloud.integrations.model.IntegrationJson;
import io.corral.cloud.integrations.IntegrationSettings;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase.Synchronous;
import io.corral.cloud.registry.CloudKeys;
import io.corral.cloud.registry.SqliteDeviceRegistry;
import io.corral.device.Device;
import io.corral.device.DeviceCredentials;
import io.corral.protocol.DeviceIds;
import io.corral.protocol.Limits;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Events from real SDK devices (DTLS, CON publishes) through the durable queue to a local webhook sink, all in
 * this process: a cloud on a temp data dir, {@code --devices} PSK devices, and a Jetty server as the sink.
 *
 * <ul>
 *   <li>{@code --mode throughput}: every device keeps {@code --window} publishes outstanding; reports events
 *       acknowledged per second (each ACK only after its group commit) and deliveries per second at the sink.</li>
 *   <li>{@code --mode queue}: as throughput, but events go straight into the cloud's durable hand-off (what the
 *       CoAP resource calls after validating a publish): the queue's capacity without the devices' DTLS cost.</li>
 *   <li>{@code --mode latency}: publishes at a fixed {@code --rate} in total (open loop); reports publish-to-ACK
 *       and publish-to-delivery latency percentiles (HdrHistogram), the time from a device's send to the sink's
 *       receipt.</li>
 * </ul>
 *
 * <pre>{@code
 * corral-bench integrations --mode throughput --devices 32 --window 32 --seconds 15
 * corral-bench integrations --mode latency --rate 2000 --seconds 15
 * }</pre>
 */
@Command(name = "integrations", description = "Events from devices through the delivery queue to a local webhook sink.")
final class IntegrationsBench implements Callable<Integer> {
    private static final Duration WARMUP = Duration.ofSeconds(5);
    /** The devices' publish rate is limited only by this benchmark, not by the cloud. */
    private static final Limits UNLIMITED = new Limits(64, 1024, 1024, 64, 100_000, 100_000, 8);

    @Option(names = "--mode", defaultValue = "throughput", description = "throughput, queue or latency.")
    String mode;

    @Option(names = "--devices", defaultValue = "32", description = "PSK devices (1..1000).")
    int devices;

    @Option(names = "--window", defaultValue = "32", description = "throughput: publishes in flight per device (1..1024).")
    int window;

    @Option(names = "--rate", defaultValue = "2000", description = "latency: publishes per second in total (1..100000).")
    int rate;

    @Option(names = "--seconds", defaultValue = "15", description = "Measured duration after a 5 s warm-up.")
    int seconds;

    @Option(names = "--sync", defaultValue = "FULL", description = "Queue commit sync: FULL (default) or NORMAL.")
    String sync;

    @Option(names = "--max-batch", defaultValue = "2000", description = "Most units of work per queue commit.")
    int maxBatch;

    @Option(names = "--linger-ms", defaultValue = "0", description = "How long a commit waits for company (0..100).")
    int lingerMillis;

    @Option(names = "--workers", defaultValue = "2", description = "Integration workers.")
    int workers;

    @Option(names = "--sink-threads", defaultValue = "16", description = "Threads of the webhook sink.")
    int sinkThreads;

    @Option(names = "--connections", defaultValue = "16",
            description = "maxConnectionsPerDestination of the cloud (its default is 16).")
    int connections;

    @Option(names = "--no-integration", description = "Publish without any integration: the CoAP/DTLS cost alone.")
    boolean noIntegration;

    @Option(names = "--deliver-after", description = {"throughput: pause the integration while publishing (events are",
            "still committed before each ACK) and resume it after: enqueue and delivery measured apart."})
    boolean deliverAfter;

    private String integrationId;

    private final LongAdder delivered = new LongAdder();
    private final Recorder deliveryLatency = new Recorder(3);
    private final Recorder ackLatency = new Recorder(3);

    @Override
    public Integer call() throws Exception {
        require("--devices", devices, 1, 1_000);
        require("--window", window, 1, 1_024);
        require("--rate", rate, 1, 100_000);
        require("--seconds", seconds, 1, 3_600);
        Path dir = Files.createTempDirectory("corral-bench-integrations");
        ScheduledExecutorService deviceExecutor = Executors.newScheduledThreadPool(2,
                Thread.ofPlatform().daemon().name("bench-devices-", 0).factory());
        Server sink = startSink();
        SqliteIntegrationDatabase.Options queueOptions = SqliteIntegrationDatabase.Options.builder()
                .synchronous(Synchronous.valueOf(sync)).maxBatch(maxBatch).linger(Duration.ofMillis(lingerMillis))
                .build();
        List<DeviceCredentials> credentials = register(dir);
        try (SqliteIntegrationDatabase db = SqliteIntegrationDatabase.open(dir, queueOptions);
             Cloud cloud = Cloud.builder().dataDir(dir).coapHost("127.0.0.1").coapPort(0).limits(UNLIMITED)
                     .integrationStorage(db.queue(), db.integrations())
                     .integrations(IntegrationSettings.builder().workers(workers)
                             .maxConnectionsPerDestination(connections).build()).build()) {
            cloud.start();
            if (!noIntegration) {
                integrationId = cloud.integrations().store().create("bench", IntegrationJson.parseSpec("""
                        {"event": "bench", "type": "webhook", "webhook": {"url": "http://127.0.0.1:%d/in"}}"""
                        .formatted(((ServerConnector) sink.getConnectors()[0]).getLocalPort()))).id();
                if (deliverAfter) {
                    cloud.integrations().store().setPaused(integrationId, true);
                }
            }
            List<Device> fleet = new ArrayList<>();
            for (DeviceCredentials c : credentials) {
                DeviceCredentials pointed = DeviceCredentials.psk(c.deviceId(), c.psk(), "127.0.0.1",
                        cloud.coapAddress().getPort(), null);
                fleet.add(Device.builder().credentials(pointed).limits(UNLIMITED).executor(deviceExecutor)
                        .threadFactory(Thread.ofVirtual().factory()).requestTimeout(Duration.ofSeconds(60)).build());
            }
            fleet.parallelStream().forEach(Device::connect);
            System.out.printf("%d PSK devices connected; queue: %s; workers %d; %d connections per destination; "
                    + "%d CPUs; JDK %s%n", devices, queueOptions, workers, connections,
                    Runtime.getRuntime().availableProcessors(), Runtime.version());
            long commitsBefore = db.commits();
            long unitsBefore = db.unitsCommitted();
            int failures = switch (mode) {
                case "latency" -> latency(fleet, cloud);
                case "throughput" -> throughput(fleet, cloud, fleet.size());
                case "queue" -> throughput(null, cloud, fleet.size());
                default -> throw new IllegalArgumentException("--mode must be throughput, latency or queue, was " + mode);
            };
            long commits = db.commits() - commitsBefore;
            System.out.printf("queue commits %d, %.1f units of work per commit on average%n", commits,
                    commits == 0 ? 0.0 : (db.unitsCommitted() - unitsBefore) / (double) commits);
            fleet.forEach(Device::close);
            return failures == 0 ? 0 : 1;
        } finally {
            sink.stop();
            deviceExecutor.shutdownNow();
            deleteQuietly(dir);
        }
    }

    /**
     * Every publisher keeps {@code window} publishes outstanding. With {@code fleet} null ({@code --mode queue}) the
     * publishers hand events straight to the cloud's durable hand-off, as the CoAP resource does once a publish
     * is validated, so the queue's own capacity shows without the DTLS and CoAP work of this machine's devices.
     */
    private int throughput(List<Device> fleet, Cloud cloud, int publishers) throws InterruptedException {
        LongAdder acked = new LongAdder();
        LongAdder failed = new LongAdder();
        long start = System.nanoTime();
        long measureFrom = start + WARMUP.toNanos();
        long end = measureFrom + Duration.ofSeconds(seconds).toNanos();
        AtomicLong deliveredAtStart = new AtomicLong(-1);
        AtomicLong ackedAtStart = new AtomicLong(-1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            Device device = fleet == null ? null : fleet.get(p);
            threads.add(Thread.ofVirtual().start(() -> {
                Semaphore inFlight = new Semaphore(window);
                long seq = 0;
                while (System.nanoTime() < end) {
                    try {
                        inFlight.acquire();
                    } catch (InterruptedException e) {
                        return;
                    }
                    long sent = System.nanoTime();
                    String data = (seq++) + ":" + sent;
                    CompletableFuture<Void> accepted = device != null ? device.publish("bench", data)
                            : cloud.integrations().handOff(Event.create("bench", data.getBytes(StandardCharsets.UTF_8),
                                    Event.TEXT_PLAIN, 60, "000000000000000000000000", "bench"));
                    accepted.whenComplete((ok, e) -> {
                        inFlight.release();
                        if (e == null) {
                            acked.increment();
                            ackLatency.recordValue((System.nanoTime() - sent) / 1000);
                        } else {
                            failed.increment();
                        }
                    });
                }
                inFlight.acquireUninterruptibly(window);
            }));
        }
        while (System.nanoTime() < measureFrom) {
            Thread.sleep(10);
        }
        ackedAtStart.set(acked.sum());
        deliveredAtStart.set(delivered.sum());
        ackLatency.reset();
        for (Thread t : threads) {
            t.join();
        }
        double measured = (System.nanoTime() - measureFrom) / 1e9;
        long ackedInWindow = acked.sum() - ackedAtStart.get();
        long deliveredInWindow = delivered.sum() - deliveredAtStart.get();
        long drainStart = System.nanoTime();
        long deliveredBeforeDrain = delivered.sum();
        if (deliverAfter) {
            cloud.integrations().store().setPaused(integrationId, false);
        }
        while (!noIntegration && delivered.sum() < acked.sum()
                && System.nanoTime() - drainStart < TimeUnit.MINUTES.toNanos(5)) {
            Thread.sleep(20);
        }
        double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
        Histogram ack = ackLatency.getIntervalHistogram();
        System.out.printf("mode=%s publishers=%d window=%d seconds=%d acked=%d failed=%d%n", mode, publishers, window,
                seconds, ackedInWindow, failed.sum());
        System.out.printf("  enqueued+acknowledged: %.0f events/s (ACK after commit; publish-to-ACK p50=%.1f ms "
                        + "p99=%.1f ms)%n", ackedInWindow / measured, ack.getValueAtPercentile(50) / 1000.0,
                ack.getValueAtPercentile(99) / 1000.0);
        System.out.printf("  delivered to the sink during the run: %.0f events/s; the backlog of %d at the end drained "
                + "in %.1f s (%.0f events/s); %d of %d acknowledged events delivered (%s)%n",
                deliveredInWindow / measured, acked.sum() - deliveredBeforeDrain, drainSeconds,
                (acked.sum() - deliveredBeforeDrain) / Math.max(drainSeconds, 1e-9), delivered.sum(), acked.sum(),
                cloud.integrations().stats());
        return failed.sum() == 0 && delivered.sum() >= acked.sum() ? 0 : 1;
    }

    private int latency(List<Device> fleet, Cloud cloud) throws InterruptedException {
        LongAdder acked = new LongAdder();
        LongAdder failed = new LongAdder();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        long measureFrom = start + WARMUP.toNanos();
        long end = measureFrom + Duration.ofSeconds(seconds).toNanos();
        // Open loop: one publish every 1/rate s, round-robin over the devices, whether or not earlier ones finished.
        long periodNanos = 1_000_000_000L / rate;
        long[] seq = {0};
        Runnable tick = () -> {
            long now = System.nanoTime();
            long due = start + seq[0] * periodNanos;
            while (due <= now && now < end) {
                Device device = fleet.get((int) (seq[0] % fleet.size()));
                long sent = System.nanoTime();
                device.publish("bench", seq[0] + ":" + sent).whenComplete((ok, e) -> {
                    if (e == null) {
                        acked.increment();
                        ackLatency.recordValue((System.nanoTime() - sent) / 1000);
                    } else {
                        failed.increment();
                    }
                });
                seq[0]++;
                due = start + seq[0] * periodNanos;
            }
        };
        ticker.scheduleAtFixedRate(tick, 0, 1, TimeUnit.MILLISECONDS);
        Thread.sleep(WARMUP.toMillis());
        ackLatency.reset();
        deliveryLatency.reset();
        long ackedAtStart = acked.sum();
        long deliveredAtStart = delivered.sum();
        Thread.sleep(Duration.ofNanos(end - System.nanoTime()));
        ticker.shutdown();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        Histogram ack = ackLatency.getIntervalHistogram();
        Thread.sleep(2_000); // let the last deliveries land
        Histogram delivery = deliveryLatency.getIntervalHistogram();
        System.out.printf("mode=latency rate=%d/s devices=%d seconds=%d acked=%d delivered=%d failed=%d%n", rate,
                devices, seconds, acked.sum() - ackedAtStart, delivered.sum() - deliveredAtStart, failed.sum());
        System.out.printf("  publish-to-ACK      p50=%.1f ms  p99=%.1f ms  p99.9=%.1f ms  max=%.1f ms%n",
                ack.getValueAtPercentile(50) / 1000.0, ack.getValueAtPercentile(99) / 1000.0,
                ack.getValueAtPercentile(99.9) / 1000.0, ack.getMaxValue() / 1000.0);
        System.out.printf("  publish-to-delivery p50=%.1f ms  p99=%.1f ms  p99.9=%.1f ms  max=%.1f ms (%d samples)%n",
                delivery.getValueAtPercentile(50) / 1000.0, delivery.getValueAtPercentile(99) / 1000.0,
                delivery.getValueAtPercentile(99.9) / 1000.0, delivery.getMaxValue() / 1000.0,
                delivery.getTotalCount());
        System.out.println("  " + cloud.integrations().stats());
        return failed.sum() == 0 ? 0 : 1;
    }

    /**
     * The webhook sink, a Jetty server (the one the cloud's API runs on): reads the default form body, whose data
     * is "seq:sendNanos", records the latency and answers 204.
     */
    private Server startSink() throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(sinkThreads, 2);
        threads.setName("bench-sink");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                long arrived = System.nanoTime();
                for (String field : body.split("&")) {
                    if (field.startsWith("data=")) {
                        String data = URLDecoder.decode(field.substring(5), StandardCharsets.UTF_8);
                        long sent = Long.parseLong(data.substring(data.indexOf(':') + 1));
                        deliveryLatency.recordValue(Math.max(0, (arrived - sent) / 1000));
                    }
                }
                delivered.increment();
                response.setStatus(204);
                callback.succeeded();
                return true;
            }
        });
        server.start();
        return server;
    }

    private List<DeviceCredentials> register(Path dir) {
        List<DeviceCredentials> all = new ArrayList<>();
        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(dir)) {
            registry.storeCloudKeyPair(CloudKeys.generateP256());
            registry.ensureOwner("bench");
            for (int i = 0; i < devices; i++) {
                String id = DeviceIds.random();
                String psk = CloudKeys.newPsk();
                registry.createPskDevice(id, "bench", "bench-" + i, psk);
                all.add(DeviceCredentials.psk(id, psk, "127.0.0.1", 1, null));
            }
        }
        return all;
    }

    private static void require(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be in [" + min + ", " + max + "], was " + value);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temp dir left behind is harmless.
        }
    }
}
