package io.corral.device;

import java.time.Duration;

/**
 * Told about connection changes. Every method has a no-op default, so implement only what you need. Called on
 * the device's threads: return quickly.
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
}
