package io.corral.simulator.run;

import io.corral.device.ConnectionListener;
import io.corral.device.ConnectionState;
import io.corral.device.Device;
import io.corral.device.DeviceException;
import java.time.Duration;

/**
 * One simulated device: a real SDK {@link Device} and the few timestamps the report needs. Kept small, since a
 * run holds tens of thousands.
 */
final class VirtualDevice implements ConnectionListener {
    final Device device;
    private final FleetCounters counters;
    /** When the run asked this device to connect, nanoTime; 0 before. */
    volatile long startedAt;
    /** When it last became connected, nanoTime; 0 before. */
    volatile long connectedAt;
    /** When it last lost its connection, nanoTime; 0 before. */
    volatile long lostAt;
    /** Connections lost since the run last reset it (before an outage). */
    volatile int losses;

    VirtualDevice(Device device, FleetCounters counters) {
        this.device = device;
        this.counters = counters;
        device.addConnectionListener(this);
    }

    boolean connected() {
        return device.state() == ConnectionState.CONNECTED;
    }

    @Override
    public void onStateChanged(ConnectionState previous, ConnectionState current, Throwable cause) {
        long now = System.nanoTime();
        if (current == ConnectionState.CONNECTED) {
            connectedAt = now;
            counters.connected.incrementAndGet();
        } else if (previous == ConnectionState.CONNECTED) {
            lostAt = now;
            losses++; // written by the device's one state-changing thread at a time
            counters.connected.decrementAndGet();
        }
    }

    @Override
    public void onHandshake(boolean resumed, Duration duration) {
        counters.handshake(resumed, duration.toNanos() / 1000);
    }

    @Override
    public void onConnectFailed(DeviceException failure, Duration retryIn) {
        counters.failure(failure);
    }
}
