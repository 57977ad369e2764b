package io.corral.simulator.run;

import io.corral.device.Device;
import io.corral.device.DeviceCredentials;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The fleet as SDK devices: each on virtual threads (its DTLS receive and send loops, its connection attempts)
 * and one shared executor for CoAP processing and timers, bound to one of many loopback source addresses so that
 * more devices than one address has ports can run. One switch cuts the network of every device at once.
 */
final class VirtualFleet implements AutoCloseable {
    final List<VirtualDevice> devices;
    final FleetCounters counters;
    private final AtomicBoolean linkDown = new AtomicBoolean();
    private final ScheduledExecutorService executor;

    VirtualFleet(List<DeviceCredentials> credentials, RunSettings settings) {
        this.counters = new FleetCounters(settings.handshakeTimeout());
        int threads = settings.executorThreads() > 0 ? settings.executorThreads()
                : Runtime.getRuntime().availableProcessors();
        ThreadFactory platform = Thread.ofPlatform().daemon().name("sim-exec-", 0).factory();
        this.executor = Executors.newScheduledThreadPool(threads, platform);
        ThreadFactory virtual = Thread.ofVirtual().name("sim-device-", 0).factory();
        int addresses = settings.sourceAddresses() > 0 ? settings.sourceAddresses()
                : Math.min(250, credentials.size());
        List<InetAddress> sources = new ArrayList<>(addresses);
        for (int k = 0; k < addresses; k++) {
            sources.add(loopback(k));
        }
        List<VirtualDevice> built = new ArrayList<>(credentials.size());
        for (int i = 0; i < credentials.size(); i++) {
            Device.Builder builder = Device.builder().credentials(credentials.get(i))
                    .localAddress(sources.get(i % addresses))
                    .threadFactory(virtual)
                    .executor(executor)
                    .keepalive(settings.keepalive())
                    .pingTimeout(settings.pingTimeout())
                    .handshakeTimeout(settings.handshakeTimeout())
                    .reconnectBackoff(settings.backoffBase(), settings.backoffCap())
                    .resumeSessions(settings.resume())
                    .simulatedLinkDown(linkDown::get)
                    .product("corral-sim");
            Device device = builder.build();
            if (settings.scenario() == Scenario.STEADY) {
                device.function("ping", argument -> argument.length());
            }
            built.add(new VirtualDevice(device, counters));
        }
        this.devices = List.copyOf(built);
    }

    /** Source address k: 127.0.0.2 up to 127.0.0.251, then 127.0.1.2 and on; the whole of 127/8 is loopback. */
    static InetAddress loopback(int k) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, (byte) (k / 250), (byte) (2 + k % 250)});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Cuts (true) or heals (false) the network between every device and the cloud. */
    void linkDown(boolean down) {
        linkDown.set(down);
    }

    int size() {
        return devices.size();
    }

    int connected() {
        return counters.connected.get();
    }

    @Override
    public void close() {
        // Closing says goodbye to a cloud that may be gone: do it in parallel, on virtual threads.
        try (var closer = Executors.newVirtualThreadPerTaskExecutor()) {
            for (VirtualDevice device : devices) {
                closer.submit(device.device::close);
            }
        }
        executor.shutdownNow();
    }
}
