package io.corral.device;

import java.time.Duration;

/**
 * A listener that throws from every method, for tests that show a broken listener cannot break the device. Each
 * throws an IllegalStateException saying "{method} broke", but onHandshake throws an AssertionError: an Error
 * from user code is caught too.
 */
public class ThrowingListener implements ConnectionListener {
    @Override
    public void onStateChanged(ConnectionState previous, ConnectionState current, Throwable cause) {
        throw new IllegalStateException("onStateChanged broke");
    }

    @Override
    public void onHandshake(boolean resumed, Duration duration) {
        throw new AssertionError("onHandshake broke");
    }

    @Override
    public void onConnectFailed(DeviceException failure, Duration retryIn) {
        throw new IllegalStateException("onConnectFailed broke");
    }

    @Override
    public void onError(String callback, Throwable error) {
        throw new IllegalStateException("onError broke");
    }
}
