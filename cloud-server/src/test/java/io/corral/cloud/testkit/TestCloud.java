package io.corral.cloud.testkit;

import io.corral.cloud.Cloud;
import io.corral.cloud.integrations.IntegrationSettings;
import io.corral.protocol.DeviceIds;
import io.corral.protocol.Limits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A started {@link Cloud} on an ephemeral loopback port with an in-memory registry, and a factory for devices
 * registered in it. Closing it closes the devices it made, then the cloud.
 */
public final class TestCloud implements AutoCloseable {
    private final InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry();
    private final Cloud cloud;
    private final List<TestDevice> devices = new ArrayList<>();

    private TestCloud(Limits limits) {
        this(Cloud.builder().limits(limits));
    }

    private TestCloud(Cloud.Builder builder) {
        cloud = builder.registry(registry).coapHost("127.0.0.1").coapPort(0).build();
        try {
            cloud.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TestCloud start() {
        return new TestCloud(Limits.DEFAULTS);
    }

    public static TestCloud start(Limits limits) {
        return new TestCloud(limits);
    }

    /**
     * A cloud with integrations in {@code dataDir/integrations.db} (the registry stays in memory) and the rate
     * limit lifted, so tests can publish quickly.
     */
    public static TestCloud withIntegrations(Path dataDir, IntegrationSettings settings) {
        return new TestCloud(Cloud.builder().dataDir(dataDir).integrations(settings).limits(UNLIMITED));
    }

    /** The default limits with a per-device publish rate high enough never to get in a test's way. */
    public static final Limits UNLIMITED = new Limits(64, 1024, 1024, 64, 100_000, 100_000, 8);

    public Cloud cloud() {
        return cloud;
    }

    public InMemoryDeviceRegistry registry() {
        return registry;
    }

    /** Registers a PSK device of {@code owner} and connects a test device with its credentials. */
    public TestDevice pskDevice(String owner) {
        String id = DeviceIds.random();
        String psk = "secret-" + id;
        registry.createPskDevice(id, owner, "psk device", psk);
        return track(TestDevice.psk(id, psk, cloud.coapAddress()));
    }

    /** Registers an RPK device of {@code owner} and connects a test device with its key pair. */
    public TestDevice rpkDevice(String owner) {
        String id = DeviceIds.random();
        KeyPair keys = newP256();
        registry.createRpkDevice(id, owner, "rpk device", keys.getPublic().getEncoded());
        return track(TestDevice.rpk(id, keys, cloud.publicKeySpki(), cloud.coapAddress()));
    }

    /** A test device with credentials of its own; for devices the cloud must refuse. */
    public TestDevice track(TestDevice device) {
        devices.add(device);
        return device;
    }

    public static KeyPair newP256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        devices.forEach(TestDevice::close);
        cloud.close();
    }
}
