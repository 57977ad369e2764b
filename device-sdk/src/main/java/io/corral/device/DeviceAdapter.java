package io.corral.device;

import io.corral.device.internal.CorralDevice;
import io.corral.device.internal.DeviceSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The one place where the API meets the implementation: a {@link Device} that forwards to the internal
 * {@link CorralDevice}. The implementation knows nothing of {@link Device}, so the two do not depend on each
 * other, and nothing in {@code io.corral.device.internal} has to be public API.
 */
final class DeviceAdapter implements Device {
    private final CorralDevice device;

    DeviceAdapter(DeviceSettings settings) {
        this.device = new CorralDevice(settings);
    }

    @Override
    public String id() {
        return device.id();
    }

    @Override
    public Device function(String name, FunctionHandler handler) {
        device.function(name, handler);
        return this;
    }

    @Override
    public Device variable(String name, Supplier<?> value) {
        device.variable(name, value);
        return this;
    }

    @Override
    public CompletableFuture<Void> subscribe(String prefix, EventHandler handler) {
        return device.subscribe(prefix, null, handler);
    }

    @Override
    public CompletableFuture<Void> subscribe(String prefix, String fromDeviceId, EventHandler handler) {
        return device.subscribe(prefix, fromDeviceId, handler);
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String prefix) {
        return device.unsubscribe(prefix);
    }

    @Override
    public void connect() {
        device.connect();
    }

    @Override
    public void start() {
        device.start();
    }

    @Override
    public CompletableFuture<Void> publish(String name, String data) {
        return device.publish(name, data.getBytes(StandardCharsets.UTF_8), null);
    }

    @Override
    public CompletableFuture<Void> publish(String name, byte[] data, Duration ttl) {
        return device.publish(name, data, ttl);
    }

    @Override
    public void publishNoAck(String name, String data) {
        device.publishNoAck(name, data.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public CompletableFuture<Instant> cloudTime() {
        return device.cloudTime();
    }

    @Override
    public ConnectionState state() {
        return device.state();
    }

    @Override
    public void addConnectionListener(ConnectionListener listener) {
        device.addConnectionListener(listener);
    }

    @Override
    public long callbackErrors() {
        return device.callbackErrors();
    }

    @Override
    public void disconnect() {
        device.disconnect();
    }

    @Override
    public void close() {
        device.close();
    }

    @Override
    public String toString() {
        return device.toString();
    }
}
