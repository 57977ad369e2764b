package io.corral.simulator.run;

import io.corral.device.Device;
import io.corral.device.DeviceCredentials;
import io.corral.device.DeviceException;
import io.corral.simulator.fleet.Fleet;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one scenario with a fleet against a cloud and measures it.
 *
 * <pre>{@code
 * RunSettings settings = RunSettings.builder(Scenario.HERD).outage(OutageKind.NETWORK, Duration.ofSeconds(30)).build();
 * RunResult result = new FleetRun(Fleet.load(Path.of("fleet")), settings).run();
 * }</pre>
 *
 * <p>A sampler reads the devices' counters and the cloud's {@code /metrics} once a second, for the progress line
 * and the per-second series; the figures of the result come from the devices' own timestamps.
 */
public final class FleetRun {
    private static final Logger LOG = LoggerFactory.getLogger(FleetRun.class);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long WARMUP_MILLIS = 2000;
    /** Files the JVM, the jars and the HTTP client keep open besides the devices' sockets. */
    private static final long FILES_OF_THE_JVM = 200;

    /** Told about the run as it goes, once a second; called on the sampler thread. */
    public interface Observer {
        default void onSecond(Progress progress) {
        }

        default void onPhase(String phase) {
        }
    }

    /** What the progress line shows. */
    public record Progress(String phase, double seconds, int connected, int devices, long handshakesPerSecond,
                           long deferredPerSecond) {
    }

    private final Fleet fleet;
    private final RunSettings settings;
    private final List<DeviceCredentials> credentials;
    private final URI cloudUrl;
    private CloudControl cloudControl;
    private Observer observer = new Observer() {
    };

    /** @throws IllegalArgumentException if the fleet cannot give what the settings ask for */
    public FleetRun(Fleet fleet, RunSettings settings) {
        this.fleet = fleet;
        this.settings = settings;
        List<DeviceCredentials> chosen = settings.auth() == null ? fleet.credentials()
                : fleet.credentials().stream().filter(c -> c.auth() == settings.auth()).toList();
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("--auth " + settings.auth().name().toLowerCase() + ": the fleet in "
                    + fleet.dir() + " has no such devices; provision some with --auth "
                    + settings.auth().name().toLowerCase());
        }
        if (settings.devices() > chosen.size()) {
            throw new IllegalArgumentException("--devices must be in [1, " + chosen.size() + "] (the fleet's "
                    + (settings.auth() == null ? "" : settings.auth().name().toLowerCase() + " ") + "devices), was "
                    + settings.devices());
        }
        this.credentials = settings.devices() == 0 ? chosen : chosen.subList(0, settings.devices());
        long files = maxOpenFiles();
        if (files > 0 && credentials.size() > files - FILES_OF_THE_JVM) {
            throw new IllegalArgumentException("--devices: " + credentials.size() + " devices need as many UDP "
                    + "sockets, and this process may open " + files + " files (ulimit -n); use at most "
                    + (files - FILES_OF_THE_JVM) + " devices per simulator, or raise the limit");
        }
        this.cloudUrl = settings.cloudUrl() != null ? settings.cloudUrl()
                : fleet.manifest().cloudUrl() == null ? null : URI.create(fleet.manifest().cloudUrl());
        if (settings.scenario() == Scenario.HERD && settings.outage() == OutageKind.RESTART) {
            // checked again at run(), where the control must be there
            Objects.requireNonNull(settings.outage());
        }
    }

    /** For {@code --outage restart}: the cloud to stop and start. */
    public FleetRun cloudControl(CloudControl control) {
        this.cloudControl = control;
        return this;
    }

    public FleetRun observer(Observer observer) {
        this.observer = Objects.requireNonNull(observer);
        return this;
    }

    /**
     * Runs the scenario.
     *
     * @throws FleetMismatchException if the fleet's devices are not the cloud's
     * @throws IllegalStateException  if the fleet does not connect, or a restart has no cloud to restart
     */
    public RunResult run() throws InterruptedException {
        if (settings.scenario() == Scenario.HERD && settings.outage() == OutageKind.RESTART && cloudControl == null) {
            throw new IllegalStateException("--outage restart needs a cloud the simulator manages: give "
                    + "--cloud-command with the command that runs it");
        }
        preflight();
        observer.onPhase("warming up");
        CryptoWarmup.run(WARMUP_MILLIS);
        Instant startedAt = Instant.now();
        long heapBefore = settledHeap();
        CloudMetrics metrics = cloudUrl == null ? null : new CloudMetrics(cloudUrl);
        Sampler sampler = new Sampler(metrics);
        try (VirtualFleet devices = new VirtualFleet(credentials, settings)) {
            sampler.fleet = devices;
            ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("sim-sampler").factory());
            try {
                long t0 = System.nanoTime();
                sampler.t0 = t0;
                sampler.sample();
                clock.scheduleAtFixedRate(sampler::sampleQuietly, SECOND, SECOND, TimeUnit.NANOSECONDS);
                return new Measurement(devices, sampler, t0, startedAt, heapBefore).run();
            } finally {
                clock.shutdownNow();
                clock.awaitTermination(5, TimeUnit.SECONDS);
                observer.onPhase("closing devices");
            }
        }
    }

    /** One device, alone, before anything else: does this fleet belong to this cloud at all? */
    private void preflight() {
        DeviceCredentials first = credentials.get(0);
        String where = first.cloudHost() + ":" + first.cloudPort();
        try (Device probe = Device.builder().credentials(first).handshakeTimeout(Duration.ofSeconds(10))
                .requestTimeout(Duration.ofSeconds(10)).threadFactory(Thread.ofVirtual().factory()).build()) {
            probe.connect();
        } catch (DeviceException e) {
            String fleetDir = fleet.dir().toString();
            throw switch (e.reason()) {
                case AUTHENTICATION_REFUSED -> new FleetMismatchException(e.getMessage().contains("pinned")
                        ? "the fleet in " + fleetDir + " was provisioned for another cloud: the cloud at " + where
                        + " does not have the public key its devices pin. Provision a fleet against this cloud: "
                        + "corral-sim provision --cloud URL --token T --out DIR"
                        : "the fleet in " + fleetDir + " does not belong to the cloud at " + where + ": it refused "
                        + "device " + first.deviceId() + " (" + e.getMessage() + "). Provision a fleet against "
                        + "this cloud: corral-sim provision --cloud URL --token T --out DIR");
                case HANDSHAKE_TIMEOUT -> new IllegalStateException("no cloud answers at " + where + " (from the "
                        + "fleet's credentials): the DTLS handshake of device " + first.deviceId() + " timed out");
                default -> new IllegalStateException("device " + first.deviceId() + " of the fleet cannot connect to "
                        + where + ": " + e.getMessage());
            };
        }
    }

    /** The process's limit of open files, or -1 where the platform does not say. */
    private static long maxOpenFiles() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean
                unix ? unix.getMaxFileDescriptorCount() : -1;
    }

    private static long settledHeap() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The phases of one run and the arithmetic of its result. */
    private final class Measurement {
        private final VirtualFleet devices;
        private final Sampler sampler;
        private final long t0;
        private final Instant startedAt;
        private final long heapBefore;
        private long heapAfter;
        private Double connectPhase;
        private Double outageStart;
        private Double heal;
        private Double recovered;
        private long referenceNanos;
        private int windowFrom;
        private CloudMetrics.Sample cloudBase;
        private FleetCounters.Snapshot devicesBase;
        private RunResult.Steady steady;

        Measurement(VirtualFleet devices, Sampler sampler, long t0, Instant startedAt, long heapBefore) {
            this.devices = devices;
            this.sampler = sampler;
            this.t0 = t0;
            this.startedAt = startedAt;
            this.heapBefore = heapBefore;
        }

        RunResult run() throws InterruptedException {
            referenceNanos = t0;
            windowFrom = 0;
            cloudBase = sampler.firstCloud();
            devicesBase = devices.counters.snapshot();
            double rate = settings.scenario() == Scenario.COLD_START ? 0 : settings.rampRate();
            phase("connecting");
            connect(rate);
            heapAfter = settledHeap();
            switch (settings.scenario()) {
                case HERD -> herd();
                case STEADY -> steady = new SteadyLoad(devices, settings, cloudUrl).run(this::phase);
                case RAMP, COLD_START -> recovered = connectPhase;
            }
            phase("draining");
            drain();
            double end = seconds(System.nanoTime());
            CloudMetrics.Sample cloudEnd = sampler.cloudNow();
            return result(end, cloudEnd);
        }

        private void phase(String name) {
            sampler.phase = name;
            observer.onPhase(name);
        }

        private void connect(double rate) throws InterruptedException {
            List<VirtualDevice> all = devices.devices;
            for (int i = 0; i < all.size(); i++) {
                if (rate > 0) {
                    long due = t0 + (long) (i * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                VirtualDevice device = all.get(i);
                device.startedAt = System.nanoTime();
                device.device.start();
            }
            if (!await(() -> devices.connected() == devices.size(), settings.connectTimeout())) {
                DeviceException last = devices.counters.lastFailure();
                throw new IllegalStateException("only " + devices.connected() + " of " + devices.size()
                        + " devices connected within " + Durations.format(settings.connectTimeout())
                        + (last == null ? "" : "; the last failure: " + last.getMessage()));
            }
            connectPhase = seconds(System.nanoTime());
        }

        private void herd() throws InterruptedException {
            phase("settling");
            Thread.sleep(settings.settle().toMillis());
            // Stable means the cloud too: handshakes of the connect phase still open would end (or be abandoned)
            // in the recovery's window and be counted there.
            if (sampler.metrics != null && sampler.cloudNow() != null) {
                await(() -> {
                    CloudMetrics.Sample now = sampler.cloudNow();
                    return now == null || now.open() == 0;
                }, settings.drain());
            }
            for (VirtualDevice device : devices.devices) {
                device.losses = 0;
            }
            phase("outage (" + settings.outage().cliName() + ")");
            outageStart = seconds(System.nanoTime());
            long healNanos;
            try {
                if (settings.outage() == OutageKind.NETWORK) {
                    devices.linkDown(true);
                    Thread.sleep(settings.outageDuration().toMillis());
                    devices.linkDown(false);
                    healNanos = System.nanoTime();
                    cloudBase = sampler.cloudNow();
                } else {
                    cloudControl.stop();
                    Thread.sleep(settings.outageDuration().toMillis());
                    // The heal is the restart itself: the cloud's start-up time is part of the recovery, and a
                    // new process counts from zero.
                    healNanos = System.nanoTime();
                    cloudBase = new CloudMetrics.Sample(healNanos, java.util.Map.of());
                    devicesBase = devices.counters.snapshot();
                    devices.counters.measureFrom(healNanos);
                    cloudControl.start();
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("the outage failed: " + e.getMessage(), e);
            }
            heal = seconds(healNanos);
            referenceNanos = healNanos;
            phase("recovering");
            windowFrom = sampler.size();
            if (settings.outage() == OutageKind.NETWORK) {
                devicesBase = devices.counters.snapshot();
                devices.counters.measureFrom(healNanos);
            }
            // A ping sent in the outage may still time out after the heal: wait that long at least.
            long earliestEnd = healNanos + settings.pingTimeout().toNanos() + SECOND;
            if (await(() -> devices.connected() == devices.size() && System.nanoTime() >= earliestEnd,
                    settings.recoveryTimeout())) {
                recovered = seconds(latestConnection());
            }
        }

        /** Waits until the cloud's admitted handshakes have all ended, so that the abandoned ones are counted. */
        private void drain() throws InterruptedException {
            if (sampler.metrics == null || sampler.cloudNow() == null) {
                return;
            }
            await(() -> {
                CloudMetrics.Sample now = sampler.latestCloud();
                return now != null && now.atNanos() > System.nanoTime() - 2 * SECOND && now.open() == 0;
            }, settings.drain());
        }

        private long latestConnection() {
            long latest = referenceNanos;
            for (VirtualDevice device : devices.devices) {
                latest = Math.max(latest, device.connectedAt);
            }
            return latest;
        }

        private boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(50);
            }
            return true;
        }

        private double seconds(long nanos) {
            return Math.round((nanos - t0) / 1e6) / 1e3;
        }

        private RunResult result(double end, CloudMetrics.Sample cloudEnd) {
            boolean herd = settings.scenario() == Scenario.HERD;
            int n = devices.size();
            double[] times = new double[n];
            Histogram latency = new Histogram(3);
            int reconnected = 0;
            int unaffected = 0;
            int notConnected = 0;
            for (int i = 0; i < n; i++) {
                VirtualDevice device = devices.devices.get(i);
                boolean connectedNow = device.connected();
                if (!connectedNow) {
                    notConnected++;
                    times[i] = Double.POSITIVE_INFINITY;
                    continue;
                }
                if (herd && device.losses == 0) {
                    unaffected++;
                    times[i] = 0;
                    continue;
                }
                long from = herd ? Math.max(referenceNanos, device.lostAt) : device.startedAt;
                times[i] = Math.max(0, device.connectedAt - referenceNanos) / 1e9;
                latency.recordValue(Math.max(1, (device.connectedAt - from) / 1000));
                if (herd) {
                    reconnected++;
                }
            }
            Arrays.sort(times);
            RunResult.Recovery recovery = new RunResult.Recovery(reconnected, unaffected, notConnected,
                    percentTime(times, 0.5), percentTime(times, 0.9), percentTime(times, 0.99),
                    percentTime(times, 1.0), millis(latency));
            FleetCounters.Snapshot handshakes = devices.counters.snapshot().minus(devicesBase);
            Histogram handshakeMicros = devices.counters.handshakeMicros.getIntervalHistogram();
            RunResult.Handshakes handshakeResult = new RunResult.Handshakes(handshakes.attempted(), handshakes.full(),
                    handshakes.resumed(), handshakes.timeouts(), handshakes.earlierTimeouts(), handshakes.refused(),
                    handshakes.other(),
                    millis(handshakeMicros));
            RunResult.Events events = new RunResult.Events(connectPhase, outageStart, heal, recovered, end,
                    herd ? "heal" : "start");
            RunResult.Memory memory = new RunResult.Memory(heapBefore, heapAfter,
                    Math.max(0, heapAfter - heapBefore) / n);
            return new RunResult(RunResult.FORMAT, settings.scenario().cliName(), startedAt.toString(), n,
                    auth(), SettingsView.of(settings, n), events, recovery, handshakeResult,
                    cloud(cloudBase, cloudEnd, end), memory, steady, sampler.series(), cdf(latency));
        }

        private RunResult.Cloud cloud(CloudMetrics.Sample base, CloudMetrics.Sample last, double end) {
            String url = sampler.metrics == null ? null : sampler.metrics.url().toString();
            if (base == null || last == null) {
                return new RunResult.Cloud(url, null, null, null, null, null, null, null, null, null, null, null);
            }
            long admitted = Math.round(last.admitted() - base.admitted());
            long abandoned = Math.round(last.abandoned() - base.abandoned());
            double cpu = last.cpuSeconds() - base.cpuSeconds();
            double wall = Math.max(1e-9, (last.atNanos() - base.atNanos()) / 1e9);
            return new RunResult.Cloud(url, last.admissionMode(), admitted, Math.round(last.deferred() - base.deferred()),
                    Math.round(last.completed() - base.completed()),
                    Math.round(last.resumptions() - base.resumptions()), abandoned,
                    admitted == 0 ? 0.0 : round(100.0 * abandoned / admitted, 2),
                    Math.round(last.failed() - base.failed()), sampler.peakInFlight(windowFrom),
                    round(cpu, 2), round(100 * cpu / wall, 1));
        }

        private String auth() {
            long psk = credentials.stream().filter(c -> c.auth() == DeviceCredentials.Auth.PSK).count();
            return psk == 0 ? "rpk" : psk == credentials.size() ? "psk" : "mixed";
        }
    }

    private static Double percentTime(double[] sorted, double fraction) {
        int index = (int) Math.ceil(fraction * sorted.length) - 1;
        double value = sorted[Math.max(0, index)];
        return Double.isInfinite(value) ? null : round(value, 3);
    }

    static RunResult.Percentiles millis(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return null;
        }
        return new RunResult.Percentiles(round(micros.getValueAtPercentile(50) / 1000.0, 1),
                round(micros.getValueAtPercentile(99) / 1000.0, 1), round(micros.getMaxValue() / 1000.0, 1));
    }

    /** The latency distribution as points of its cumulative curve, at most a few hundred. */
    private static List<double[]> cdf(Histogram micros) {
        List<double[]> points = new ArrayList<>();
        if (micros.getTotalCount() == 0) {
            return points;
        }
        for (double percentile = 0; percentile <= 100; percentile += 0.5) {
            points.add(new double[] {round(micros.getValueAtPercentile(percentile) / 1000.0, 1), percentile / 100});
        }
        return points;
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /** Reads the devices and the cloud once a second; keeps every reading for the series. */
    private final class Sampler {
        final CloudMetrics metrics;
        volatile VirtualFleet fleet;
        volatile long t0;
        volatile String phase = "starting";
        private final List<Point> points = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile CloudMetrics.Sample latestCloud;
        private volatile boolean warned;

        Sampler(CloudMetrics metrics) {
            this.metrics = metrics;
        }

        record Point(double t, FleetCounters.Snapshot devices, CloudMetrics.Sample cloud) {
        }

        void sampleQuietly() {
            try {
                sample();
            } catch (RuntimeException e) {
                LOG.warn("sampling failed", e);
            }
        }

        void sample() {
            long now = System.nanoTime();
            CloudMetrics.Sample cloud = cloudNow();
            Point point = new Point((now - t0) / 1e9, fleet.counters.snapshot(), cloud);
            Point previous = points.isEmpty() ? null : points.get(points.size() - 1);
            points.add(point);
            long handshakes = previous == null ? 0 : point.devices().full() + point.devices().resumed()
                    - previous.devices().full() - previous.devices().resumed();
            long deferred = previous == null || cloud == null || previous.cloud() == null ? 0
                    : Math.round(cloud.deferred() - previous.cloud().deferred());
            observer.onSecond(new Progress(phase, point.t(), point.devices().connected(), fleet.size(), handshakes,
                    Math.max(0, deferred)));
        }

        /** A fresh scrape, or null if the cloud's metrics do not answer (warned about once). */
        CloudMetrics.Sample cloudNow() {
            if (metrics == null) {
                return null;
            }
            try {
                CloudMetrics.Sample sample = metrics.scrape();
                latestCloud = sample;
                return sample;
            } catch (IOException e) {
                if (!warned && !phase.startsWith("outage")) {
                    warned = true;
                    LOG.warn("cannot read the cloud's metrics at {} ({}); cloud-side figures may be missing",
                            metrics.url(), e.getMessage() == null ? e.toString() : e.getMessage());
                }
                return null;
            }
        }

        CloudMetrics.Sample latestCloud() {
            return latestCloud;
        }

        CloudMetrics.Sample firstCloud() {
            return points.isEmpty() ? null : points.get(0).cloud();
        }

        int size() {
            return points.size();
        }

        Long peakInFlight(int from) {
            long peak = -1;
            for (int i = Math.max(0, from - 1); i < points.size(); i++) {
                CloudMetrics.Sample cloud = points.get(i).cloud();
                if (cloud != null) {
                    peak = Math.max(peak, Math.round(cloud.inFlight()));
                }
            }
            return peak < 0 ? null : peak;
        }

        RunResult.Series series() {
            List<Double> t = new ArrayList<>();
            List<Integer> connected = new ArrayList<>();
            List<Long> attempted = new ArrayList<>();
            List<Long> completed = new ArrayList<>();
            List<Long> timedOut = new ArrayList<>();
            List<Long> admitted = new ArrayList<>();
            List<Long> deferred = new ArrayList<>();
            List<Long> cloudCompleted = new ArrayList<>();
            List<Long> abandoned = new ArrayList<>();
            List<Long> inFlight = new ArrayList<>();
            List<Long> queued = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            List<Double> rate = new ArrayList<>();
            Point previous = null;
            for (Point point : points) {
                t.add(round(point.t(), 2));
                connected.add(point.devices().connected());
                FleetCounters.Snapshot d = previous == null ? null : point.devices().minus(previous.devices());
                attempted.add(d == null ? 0 : d.attempted());
                completed.add(d == null ? 0 : d.full() + d.resumed());
                timedOut.add(d == null ? 0 : d.timeouts() + d.earlierTimeouts());
                CloudMetrics.Sample c = point.cloud();
                CloudMetrics.Sample p = previous == null ? null : previous.cloud();
                boolean both = c != null && p != null;
                admitted.add(both ? Math.max(0, Math.round(c.admitted() - p.admitted())) : 0);
                deferred.add(both ? Math.max(0, Math.round(c.deferred() - p.deferred())) : 0);
                cloudCompleted.add(both ? Math.max(0, Math.round(c.completed() - p.completed())) : 0);
                abandoned.add(both ? Math.max(0, Math.round(c.abandoned() - p.abandoned())) : 0);
                inFlight.add(c == null ? 0 : Math.round(c.inFlight()));
                queued.add(c == null ? 0 : Math.round(c.queueLength()));
                double wall = both ? (c.atNanos() - p.atNanos()) / 1e9 : 0;
                cpu.add(both && wall > 0 ? round(100 * Math.max(0, c.cpuSeconds() - p.cpuSeconds()) / wall, 1) : 0);
                rate.add(c == null ? 0 : round(c.rate(), 1));
                previous = point;
            }
            return new RunResult.Series(t, connected, attempted, completed, timedOut, admitted, deferred,
                    cloudCompleted, abandoned, inFlight, cpu, rate, queued);
        }
    }
}
