package io.corral.simulator.run;

import io.corral.device.DeviceException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * What the virtual devices report, counted where it happens: {@link LongAdder}s and a latency {@link Recorder}
 * written by thousands of device threads, read once a second by the sampler.
 */
final class FleetCounters {
    final AtomicInteger connected = new AtomicInteger();
    final LongAdder handshakesFull = new LongAdder();
    final LongAdder handshakesResumed = new LongAdder();
    final LongAdder handshakeTimeouts = new LongAdder();
    /** Timeouts of attempts begun before the measured window (in a herd: in the outage, which they ran into). */
    final LongAdder earlierTimeouts = new LongAdder();
    final LongAdder handshakesRefused = new LongAdder();
    final LongAdder otherFailures = new LongAdder();
    final Recorder handshakeMicros = new Recorder(3);
    private volatile DeviceException lastFailure;
    /** Latencies count only for handshakes that began at or after this nanoTime (not those begun in an outage). */
    private volatile long measureFrom = Long.MIN_VALUE;
    private final long handshakeTimeoutNanos;

    FleetCounters(java.time.Duration handshakeTimeout) {
        this.handshakeTimeoutNanos = handshakeTimeout.toNanos();
    }

    void handshake(boolean resumed, long micros) {
        (resumed ? handshakesResumed : handshakesFull).increment();
        if (System.nanoTime() - micros * 1000 - measureFrom >= 0) {
            handshakeMicros.recordValue(Math.max(1, micros));
        }
    }

    /** From now on, latencies of handshakes begun before {@code nanoTime} are left out. */
    void measureFrom(long nanoTime) {
        measureFrom = nanoTime;
        handshakeMicros.reset();
    }

    void failure(DeviceException failure) {
        switch (failure.reason()) {
            // A timed-out attempt began one handshake timeout ago.
            case HANDSHAKE_TIMEOUT -> (System.nanoTime() - handshakeTimeoutNanos - measureFrom >= 0
                    ? handshakeTimeouts : earlierTimeouts).increment();
            case AUTHENTICATION_REFUSED -> handshakesRefused.increment();
            default -> otherFailures.increment();
        }
        lastFailure = failure;
    }

    DeviceException lastFailure() {
        return lastFailure;
    }

    /** The device-side counts at one moment. */
    record Snapshot(int connected, long full, long resumed, long timeouts, long earlierTimeouts, long refused,
                    long other) {
        /** Handshakes that ended one way or another: completed, timed out or refused. */
        long attempted() {
            return full + resumed + timeouts + earlierTimeouts + refused;
        }

        Snapshot minus(Snapshot base) {
            return new Snapshot(connected, full - base.full, resumed - base.resumed, timeouts - base.timeouts,
                    earlierTimeouts - base.earlierTimeouts, refused - base.refused, other - base.other);
        }
    }

    Snapshot snapshot() {
        return new Snapshot(connected.get(), handshakesFull.sum(), handshakesResumed.sum(), handshakeTimeouts.sum(),
                earlierTimeouts.sum(), handshakesRefused.sum(), otherFailures.sum());
    }
}
