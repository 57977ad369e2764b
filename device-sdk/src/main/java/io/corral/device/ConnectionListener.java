package io.corral.device;

import java.time.Duration;

/**
 * Told about connection changes, and about handlers and listeners that threw. Every method has a no-op default,
 * so implement only what you need. Called on the device's threads: return quickly. A listener method that throws
 * does not disturb the device or the other listeners; the failure goes to {@link #onError(String, Throwable)}.
 */
public interface ConnectionListener {

    /**
     * The state changed.
     *
     * @param cause why, when the change was caused by a failure; else null
     */
    default void onStateChanged(ConnectionState previous, ConnectionState current, Throwable cause) {
    }

    /**
     * A DTLS handshake finished.
     *
     * @param resumed  true for an abbreviated handshake that resumed the previous session
     * @param duration from the first ClientHello to the finished handshake
     */
    default void onHandshake(boolean resumed, Duration duration) {
    }

    /** A connection attempt failed; the device will retry after {@code retryIn} unless the failure is final. */
    default void onConnectFailed(DeviceException failure, Duration retryIn) {
    }

    /**
     * One of the device's handlers or listeners threw. The device caught it and kept working: a function or
     * variable answered the cloud 5.00, the other event handlers still got the event, the connection went on
     * (reconnecting included). The failure was also logged and counted in {@link Device#callbackErrors()}.
     * An exception thrown from this method is only logged.
     *
     * @param callback what threw, for people to read: {@code "function 'led'"}, {@code "variable 'temp'"},
     *                 {@code "event handler for 'alerts/'"}, {@code "ConnectionListener.onStateChanged"} or
     *                 {@code "ThreadFactory.newThread"}
     * @param error    what it threw
     */
    default void onError(String callback, Throwable error) {
    }
}
