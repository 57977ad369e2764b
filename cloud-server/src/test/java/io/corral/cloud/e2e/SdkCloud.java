package io.corral.cloud.e2e;

import io.corral.cloud.Cloud;
import io.corral.cloud.registry.CloudKeys;
import io.corral.device.Device;
import io.corral.device.DeviceCredentials;
import io.corral.protocol.DeviceIds;
import io.corral.protocol.Limits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A real cloud on a real SQLite data directory, on an ephemeral loopback port, and real SDK devices registered
 * in it. Closing it closes the devices, then the cloud.
 */
final class SdkCloud implements AutoCloseable {
    private final Path dataDir;
    private final Limits limits;
    private final List<Device> devices = new CopyOnWriteArrayList<>();
    private volatile Cloud cloud;

    private final UnaryOperator<Cloud.Builder> customize;

    SdkCloud(Path dataDir, Limits limits, int port) {
        this(dataDir, limits, port, UnaryOperator.identity());
    }

    /** A cloud with more settings, such as alerting or the HTTP API. */
    SdkCloud(Path dataDir, Limits limits, int port, UnaryOperator<Cloud.Builder> customize) {
        this.dataDir = dataDir;
        this.limits = limits;
        this.customize = customize;
        start(port);
    }

    SdkCloud(Path dataDir) {
        this(dataDir, Limits.DEFAULTS, 0);
    }

    void start(int port) {
        cloud = customize.apply(Cloud.builder().dataDir(dataDir).coapHost("127.0.0.1").coapPort(port).limits(limits))
                .build();
        try {
            cloud.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Cloud cloud() {
        return cloud;
    }

    InetSocketAddress address() {
        return cloud.coapAddress();
    }

    DeviceCredentials rpkCredentials(String owner) {
        KeyPair keys = CloudKeys.generateP256();
        String id = DeviceIds.random();
        cloud.registry().ensureOwner(owner);
        cloud.registry().createRpkDevice(id, owner, "rpk-" + id, keys.getPublic().getEncoded());
        return DeviceCredentials.rpk(id, keys.getPrivate().getEncoded(), keys.getPublic().getEncoded(),
                "127.0.0.1", address().getPort(), cloud.publicKeySpki());
    }

    DeviceCredentials pskCredentials(String owner) {
        String id = DeviceIds.random();
        String psk = CloudKeys.newPsk();
        cloud.registry().ensureOwner(owner);
        cloud.registry().createPskDevice(id, owner, "psk-" + id, psk);
        return DeviceCredentials.psk(id, psk, "127.0.0.1", address().getPort(), cloud.publicKeySpki());
    }

    /** A device on virtual threads with short timeouts, so failures surface quickly in tests. */
    Device device(DeviceCredentials credentials) {
        return device(credentials, builder -> builder);
    }

    Device device(DeviceCredentials credentials, UnaryOperator<Device.Builder> customize) {
        Device device = customize.apply(Device.builder().credentials(credentials)
                .threadFactory(Thread.ofVirtual().factory())
                .handshakeTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(10))).build();
        devices.add(device);
        return device;
    }

    void stopCloud() {
        cloud.close();
    }

    @Override
    public void close() {
        devices.forEach(Device::close);
        cloud.close();
    }
}
