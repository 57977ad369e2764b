package io.corral.cloud.testkit;

import io.corral.device.ConnectionListener;
import io.corral.device.ConnectionState;
import io.corral.device.Device;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The connection states a real SDK device goes through, in order, as its listener reports them. */
public final class ConnectionStates {
    private final BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();

    private ConnectionStates() {
    }

    /** Starts recording {@code device}'s state changes; add it before {@link Device#connect()}. */
    public static ConnectionStates of(Device device) {
        ConnectionStates recorder = new ConnectionStates();
        device.addConnectionListener(new ConnectionListener() {
            @Override
            public void onStateChanged(ConnectionState previous, ConnectionState current, Throwable cause) {
                recorder.states.add(current);
            }
        });
        return recorder;
    }

    /** Forgets the states seen so far. */
    public void clear() {
        states.clear();
    }

    /** The next state the device entered, waiting up to {@code timeout}; null if it entered none. */
    public ConnectionState next(Duration timeout) throws InterruptedException {
        return states.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Skips states until the device enters {@code wanted}; returns it, or null once no new state came for
     * {@code quietFor} (the caller asserts on what it got).
     */
    public ConnectionState await(ConnectionState wanted, Duration quietFor) throws InterruptedException {
        ConnectionState state;
        do {
            state = next(quietFor);
        } while (state != null && state != wanted);
        return state;
    }
}
