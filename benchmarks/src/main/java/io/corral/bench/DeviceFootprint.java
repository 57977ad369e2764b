package io.corral.bench;

import io.corral.device.Device;
import io.corral.device.DeviceCredentials;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Connects devices one after the other and reports the heap they hold once connected, and the time from
 * {@code connect()} to connected. Run it under {@code -Xmx32m} to check that a device fits a small board.
 */
@Command(name = "footprint", description = "Heap per connected device and connect latency.")
final class DeviceFootprint implements Callable<Integer> {
    @Option(names = "--credentials", required = true, description = "Directory of credential files (from 'prepare').")
    Path credentialsDir;

    @Option(names = "--cloud", defaultValue = "127.0.0.1:5684", description = "Cloud address host:port.")
    String cloud;

    @Option(names = "--devices", defaultValue = "1", description = "How many devices to connect.")
    int devices;

    @Override
    public Integer call() throws Exception {
        List<DeviceCredentials> fleet = BenchFleet.load(credentialsDir);
        if (devices < 1 || devices > fleet.size()) {
            throw new IllegalArgumentException("--devices must be in [1, " + fleet.size() + "], was " + devices);
        }
        int colon = cloud.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(cloud.substring(0, colon),
                Integer.parseInt(cloud.substring(colon + 1)));
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        // Load the classes and warm the crypto once, so the per-device figure is not the one-time class cost.
        try (Device warm = Device.builder().credentials(fleet.get(0)).cloudAddress(address).build()) {
            warm.connect();
            warm.disconnect();
        }
        long before = settledHeap(memory);
        Histogram connectMicros = new Histogram(3);
        List<Device> connected = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            Device device = Device.builder().credentials(fleet.get(i)).cloudAddress(address).build();
            long started = System.nanoTime();
            device.connect();
            connectMicros.recordValue((System.nanoTime() - started) / 1000);
            connected.add(device);
        }
        long after = settledHeap(memory);
        System.out.printf("devices=%d max_heap=%dMB heap_before=%dKB heap_after=%dKB per_device=%dKB "
                        + "connect_ms p50=%.1f p99=%.1f max=%.1f%n", devices,
                Runtime.getRuntime().maxMemory() >> 20, before >> 10, after >> 10, (after - before) / devices >> 10,
                connectMicros.getValueAtPercentile(50) / 1000.0, connectMicros.getValueAtPercentile(99) / 1000.0,
                connectMicros.getMaxValue() / 1000.0);
        connected.forEach(Device::close);
        return 0;
    }

    private static long settledHeap(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
