package io.corral.device.internal;

import io.corral.device.ConnectionState;
import io.corral.device.DeviceException;
import io.corral.device.DeviceException.Reason;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a device connected: runs connect attempts, watches the link with keepalive pings, and when the link is
 * lost or an attempt fails, waits out a {@link ReconnectBackoff} and tries again, until the user disconnects or
 * closes. It owns the {@link ConnectionState} and tells the listeners of every change.
 *
 * <p>It knows nothing of CoAP or DTLS: what it keeps up is a {@link Session}, and its timers, clock and random
 * source are injected, so its whole reconnect loop runs in a test without a network and without sleeping.
 *
 * <p>Connect attempts hold one lock, so a user's {@code connect()} and a background reconnect never overlap.
 * Thread-safe.
 */
final class ConnectionSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionSupervisor.class);

    /** What the supervisor keeps up; the device's is a DTLS session carrying the CoAP profile. */
    interface Session {
        /**
         * Runs a DTLS handshake.
         *
         * @return true when it resumed the previous session
         * @throws DeviceException when the handshake fails
         */
        boolean handshake();

        /**
         * Registers over the new session: hello, describe and the subscriptions.
         *
         * @return the keepalive interval the cloud asked for
         * @throws DeviceException when the cloud refuses or does not answer
         */
        Duration register();

        /** A keepalive ping; completes when the cloud answers it. */
        CompletableFuture<Void> ping();

        /** Tells the cloud goodbye if the session is up, waiting briefly for it to be sent. */
        void goodbye();

        /** Drops the session locally. */
        void drop();
    }

    /** Where the supervisor's timers run. */
    interface Timers {
        /** Runs {@code task} once after {@code delay}, on a thread of its own: connect attempts block. */
        void after(Duration delay, Runnable task);

        /** Runs {@code task} every {@code interval} until the answer is cancelled. */
        Future<?> every(Duration interval, Runnable task);
    }

    /**
     * The supervisor's settings, validated by the device builder.
     *
     * @param keepalive the keepalive interval, or null to take the one the cloud asks for
     */
    record Settings(Duration reconnectBase, Duration reconnectCap, Duration stableAfter, Duration keepalive,
                    Duration pingTimeout) {
    }

    private final String deviceId;
    private final Session session;
    private final Timers timers;
    private final Callouts callouts;
    private final Settings settings;
    private final Ticker ticker;
    private final ReconnectBackoff backoff;
    private final AtomicReference<ConnectionState> state = new AtomicReference<>(ConnectionState.DISCONNECTED);
    private final ReentrantLock connectLock = new ReentrantLock();
    private final AtomicBoolean pingInFlight = new AtomicBoolean();
    private final AtomicBoolean reconnectScheduled = new AtomicBoolean();

    private volatile boolean wantConnected;
    private volatile boolean closed;
    private volatile Future<?> keepaliveTask;

    ConnectionSupervisor(String deviceId, Session session, Timers timers, Callouts callouts, Settings settings,
                         Ticker ticker, RandomGenerator random) {
        this.deviceId = deviceId;
        this.session = session;
        this.timers = timers;
        this.callouts = callouts;
        this.settings = settings;
        this.ticker = ticker;
        this.backoff = new ReconnectBackoff(settings.reconnectBase(), settings.reconnectCap(), settings.stableAfter(),
                ticker, random);
    }

    ConnectionState state() {
        return state.get();
    }

    boolean isConnected() {
        return state.get() == ConnectionState.CONNECTED;
    }

    /** Connects now, on the caller's thread; from then on reconnects by itself. */
    void connect() {
        requireOpen();
        wantConnected = true;
        try {
            connectOnce();
        } catch (RuntimeException e) {
            wantConnected = false;
            changeState(ConnectionState.DISCONNECTED, e);
            throw e;
        }
    }

    /** Connects in the background, retrying with backoff. */
    void start() {
        requireOpen();
        wantConnected = true;
        if (state.get() != ConnectionState.CONNECTED) {
            scheduleReconnect(Duration.ZERO);
        }
    }

    private void connectOnce() {
        connectLock.lock();
        try {
            if (closed) {
                throw new DeviceException(Reason.NOT_CONNECTED, "device " + deviceId + " is closed");
            }
            cancelKeepalive();
            changeState(ConnectionState.CONNECTING, null);
            long started = ticker.nanos();
            boolean resumed = session.handshake();
            Duration took = Duration.ofNanos(ticker.nanos() - started);
            callouts.toListeners("onHandshake", listener -> listener.onHandshake(resumed, took));
            try {
                Duration asked = session.register();
                Duration keepalive = settings.keepalive() != null ? settings.keepalive()
                        : asked.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : asked;
                backoff.connected();
                keepaliveTask = timers.every(keepalive, this::ping);
                changeState(ConnectionState.CONNECTED, null);
            } catch (RuntimeException e) {
                session.drop();
                throw e;
            }
        } finally {
            connectLock.unlock();
        }
    }

    private void cancelKeepalive() {
        Future<?> task = keepaliveTask;
        if (task != null) {
            task.cancel(false);
        }
    }

    /** A keepalive ping; no answer within the ping timeout means the link is gone. */
    private void ping() {
        if (!pingInFlight.compareAndSet(false, true)) {
            return;
        }
        session.ping().orTimeout(settings.pingTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ok, failure) -> {
                    pingInFlight.set(false);
                    if (failure != null) {
                        linkLost(new DeviceException(Reason.TIMEOUT, "keepalive ping unanswered for "
                                + settings.pingTimeout().toMillis() + " ms"));
                    }
                });
    }

    /** The session died or stopped answering: reconnect unless the user asked us not to. */
    void linkLost(Throwable cause) {
        if (!state.compareAndSet(ConnectionState.CONNECTED, ConnectionState.WAITING_TO_RECONNECT)) {
            return; // already handled, or a connect attempt owns the state
        }
        cancelKeepalive();
        session.drop();
        notifyState(ConnectionState.CONNECTED, ConnectionState.WAITING_TO_RECONNECT, cause);
        Duration delay = backoff.afterLoss();
        if (wantConnected && !closed) {
            scheduleReconnect(delay);
        } else {
            changeState(ConnectionState.DISCONNECTED, cause);
        }
    }

    private void scheduleReconnect(Duration delay) {
        if (reconnectScheduled.compareAndSet(false, true)) {
            timers.after(delay, this::reconnectAttempt);
        }
    }

    private void reconnectAttempt() {
        reconnectScheduled.set(false);
        if (!wantConnected || closed || state.get() == ConnectionState.CONNECTED) {
            return;
        }
        try {
            connectOnce();
        } catch (DeviceException e) {
            if (e.reason() == Reason.AUTHENTICATION_REFUSED) {
                // Retrying cannot fix credentials; stop and say so.
                wantConnected = false;
                changeState(ConnectionState.DISCONNECTED, e);
                callouts.toListeners("onConnectFailed", listener -> listener.onConnectFailed(e, null));
                return;
            }
            Duration delay = backoff.afterFailure(e.retryAfter());
            changeState(ConnectionState.WAITING_TO_RECONNECT, e);
            callouts.toListeners("onConnectFailed", listener -> listener.onConnectFailed(e, delay));
            if (wantConnected && !closed) {
                scheduleReconnect(delay);
            }
        } catch (RuntimeException e) {
            LOG.error("device {}: unexpected failure while reconnecting", deviceId, e);
            Duration delay = backoff.afterFailure(null);
            changeState(ConnectionState.WAITING_TO_RECONNECT, e);
            scheduleReconnect(delay);
        }
    }

    /** Says goodbye and drops the session; no reconnect until connect or start again. */
    void disconnect() {
        wantConnected = false;
        connectLock.lock();
        try {
            cancelKeepalive();
            session.goodbye();
            session.drop();
            if (state.get() != ConnectionState.CLOSED) {
                changeState(ConnectionState.DISCONNECTED, null);
            }
        } finally {
            connectLock.unlock();
        }
    }

    /**
     * Disconnects for good.
     *
     * @return false when it was closed already
     */
    boolean close() {
        if (closed) {
            return false;
        }
        disconnect();
        closed = true;
        changeState(ConnectionState.CLOSED, null);
        return true;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("device " + deviceId + " is closed");
        }
    }

    private void changeState(ConnectionState next, Throwable cause) {
        ConnectionState previous = state.getAndSet(next);
        if (previous != next) {
            notifyState(previous, next, cause);
        }
    }

    private void notifyState(ConnectionState previous, ConnectionState next, Throwable cause) {
        LOG.debug("device {}: {} -> {}{}", deviceId, previous, next,
                cause == null ? "" : " (" + cause.getMessage() + ")");
        callouts.toListeners("onStateChanged", listener -> listener.onStateChanged(previous, next, cause));
    }
}
