package io.corral.cloud.testkit;

import io.corral.cloud.registry.CloudKeys;
import io.corral.cloud.registry.SqliteDeviceRegistry;
import io.corral.protocol.DeviceIds;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;

/**
 * PSK devices registered straight into a data dir's registry (so a cloud in a child JVM knows them), and a way
 * to publish many events from all of them at once, remembering which ones the cloud acknowledged.
 */
public final class PskFleet {
    private record Credentials(String id, String psk) {
    }

    private final List<Credentials> devices = new ArrayList<>();
    /** Payloads the cloud answered 2.04 to: the events it promised not to lose. */
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

    /** Registers {@code count} PSK devices of {@code owner}, creating the registry and the cloud key if needed. */
    public PskFleet(Path dataDir, String owner, int count) {
        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(dataDir)) {
            if (registry.cloudKeyPair().isEmpty()) {
                registry.storeCloudKeyPair(CloudKeys.generateP256());
            }
            registry.ensureOwner(owner);
            for (int i = 0; i < count; i++) {
                Credentials c = new Credentials(DeviceIds.random(), CloudKeys.newPsk());
                registry.createPskDevice(c.id(), owner, "fleet-" + i, c.psk());
                devices.add(c);
            }
        }
    }

    public Set<String> acknowledged() {
        return acknowledged;
    }

    /**
     * Connects every device to the cloud at {@code cloud} and publishes the payloads as events {@code name}, each
     * device taking the next payload when its previous one is answered. Returns when all are acknowledged, or when
     * {@code stop} is set (devices stop at their first failure after that); the payloads not acknowledged are
     * returned, in no order.
     */
    public List<String> publish(InetSocketAddress cloud, String name, List<String> payloads, AtomicBoolean stop)
            throws InterruptedException {
        Queue<String> todo = new ConcurrentLinkedQueue<>(payloads);
        Queue<String> notAcknowledged = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        List<TestDevice> connected = new ArrayList<>();
        for (Credentials c : devices) {
            TestDevice device = TestDevice.psk(c.id(), c.psk(), cloud);
            connected.add(device);
            threads.add(Thread.ofPlatform().name("fleet-" + c.id()).start(() -> {
                try {
                    device.hello();
                    String payload;
                    while (!stop.get() && (payload = todo.poll()) != null) {
                        try {
                            CoapResponse response = device.publish(name, payload);
                            if (response.getCode() == ResponseCode.CHANGED) {
                                acknowledged.add(payload);
                            } else {
                                notAcknowledged.add(payload);
                            }
                        } catch (Exception e) {
                            notAcknowledged.add(payload);
                            return;
                        }
                    }
                } catch (Exception e) {
                    // hello failed: this device publishes nothing
                }
            }));
        }
        try {
            while (threads.stream().anyMatch(Thread::isAlive)) {
                if (stop.get()) {
                    // Requests in flight to a dead cloud would wait for their timeout; closing ends them now.
                    connected.forEach(TestDevice::close);
                }
                for (Thread t : threads) {
                    t.join(50);
                }
            }
        } finally {
            connected.forEach(TestDevice::close);
        }
        List<String> left = new ArrayList<>(notAcknowledged);
        left.addAll(todo);
        return left;
    }
}
