package io.corral.bench;

import io.corral.device.DeviceCredentials;
import io.corral.device.internal.BcDtlsConnector;
import io.corral.device.internal.LinkCondition;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Drives DTLS handshakes against a running cloud as fast as it will take them and reports completed handshakes
 * per second with latency percentiles. Full mode forgets the session before each handshake; resumed mode resumes
 * the previous one every time. Each thread owns one device's credentials.
 *
 * <p>It drives the SDK's internal DTLS connector, below the {@code Device} API, on purpose: it measures the
 * handshake alone, and a {@code Device} would add hello, describe and goodbye to each one. The SDK's module does not
 * export that package; the benchmarks run on the class path, where the module's line does not apply, and are no
 * user of the SDK's API.
 */
@Command(name = "handshakes", description = "Measures full or resumed DTLS handshakes per second against a cloud.")
final class HandshakeBench implements Callable<Integer> {
    @Option(names = "--credentials", required = true, description = "Directory of credential files (from 'prepare').")
    Path credentialsDir;

    @Option(names = "--cloud", defaultValue = "127.0.0.1:5684", description = "Cloud address host:port.")
    String cloud;

    @Option(names = "--mode", defaultValue = "full", description = "full or resumed.")
    String mode;

    @Option(names = "--concurrency", defaultValue = "32", description = "Handshakes in flight (1..1024).")
    int concurrency;

    @Option(names = "--seconds", defaultValue = "20", description = "Measured duration after a 5 s warm-up.")
    int seconds;

    @Option(names = "--cloud-pid", description = "The cloud's process id, on this machine: reports the cloud's CPU "
            + "time per completed handshake, which is its capacity whatever the clients can drive.")
    Long cloudPid;

    @Override
    public Integer call() throws Exception {
        if (!mode.equals("full") && !mode.equals("resumed")) {
            throw new IllegalArgumentException("--mode must be full or resumed, was " + mode);
        }
        if (concurrency < 1 || concurrency > 1024) {
            throw new IllegalArgumentException("--concurrency must be in [1, 1024], was " + concurrency);
        }
        List<DeviceCredentials> fleet = BenchFleet.load(credentialsDir);
        int colon = cloud.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(cloud.substring(0, colon),
                Integer.parseInt(cloud.substring(colon + 1)));
        BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
        Recorder latencies = new Recorder(3);
        LongAdder completed = new LongAdder();
        LongAdder failed = new LongAdder();
        long warmupEnd = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long end = warmupEnd + Duration.ofSeconds(seconds).toNanos();
        boolean full = mode.equals("full");
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            DeviceCredentials credentials = fleet.get(i % fleet.size());
            threads.add(Thread.ofPlatform().daemon().start(() -> {
                BcDtlsConnector connector = new BcDtlsConnector(credentials, address,
                        new InetSocketAddress("127.0.0.1", 0), Thread.ofVirtual().factory(), Duration.ofSeconds(10),
                        LinkCondition.ALWAYS_UP, crypto, lost -> { });
                connector.start();
                while (System.nanoTime() < end) {
                    if (full) {
                        connector.forgetSession();
                    }
                    long started = System.nanoTime();
                    try {
                        BcDtlsConnector.HandshakeResult result = connector.handshake();
                        if (started > warmupEnd && result.resumed() == !full) {
                            completed.increment();
                            latencies.recordValue((System.nanoTime() - started) / 1000);
                        }
                    } catch (RuntimeException e) {
                        if (started > warmupEnd) {
                            failed.increment();
                        }
                    }
                }
                connector.stop();
            }));
        }
        // The cloud's CPU time over exactly the measured window: handshakes in flight at either edge cost the
        // window about as much as they add to it, so the per-handshake figure needs no correction.
        sleepUntil(warmupEnd);
        Duration cpuAtStart = cloudCpu();
        long completedAtEnd;
        sleepUntil(end);
        Duration cpuAtEnd = cloudCpu();
        completedAtEnd = completed.sum();
        for (Thread thread : threads) {
            thread.join();
        }
        Histogram histogram = latencies.getIntervalHistogram();
        System.out.printf("mode=%s concurrency=%d seconds=%d completed=%d failed=%d rate=%.1f/s "
                        + "latency_us p50=%d p99=%d max=%d%n", mode, concurrency, seconds, completed.sum(),
                failed.sum(), completed.sum() / (double) seconds, histogram.getValueAtPercentile(50),
                histogram.getValueAtPercentile(99), histogram.getMaxValue());
        if (cpuAtStart != null && cpuAtEnd != null && completedAtEnd > 0) {
            double cpuMs = cpuAtEnd.minus(cpuAtStart).toNanos() / 1e6;
            System.out.printf("cloud_cpu_ms=%.0f cloud_cores_busy=%.2f cloud_cpu_ms_per_handshake=%.3f%n", cpuMs,
                    cpuMs / (seconds * 1000.0), cpuMs / completedAtEnd);
        }
        return 0;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Duration.ofNanos(left));
        }
    }

    /** The cloud's user + system CPU time so far, or null without {@code --cloud-pid}. */
    private Duration cloudCpu() {
        if (cloudPid == null) {
            return null;
        }
        return ProcessHandle.of(cloudPid).flatMap(process -> process.info().totalCpuDuration())
                .orElseThrow(() -> new IllegalStateException("--cloud-pid " + cloudPid
                        + ": no such process, or its CPU time is not readable"));
    }
}
