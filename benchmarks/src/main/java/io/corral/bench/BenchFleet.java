package io.corral.bench;

import io.corral.cloud.registry.CloudKeys;
import io.corral.cloud.registry.SqliteDeviceRegistry;
import io.corral.device.DeviceCredentials;
import io.corral.protocol.DeviceIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Registers benchmark devices straight into a cloud's data directory (no cloud running yet) and writes their
 * credential files, so a benchmark can start the cloud pinned to one core and still have a fleet.
 */
@Command(name = "prepare", description = "Registers N RPK devices in a data dir and writes their credential files.")
final class BenchFleet implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "Cloud data directory (created if missing).")
    Path data;

    @Option(names = "--devices", defaultValue = "64", description = "How many devices (1..100000).")
    int devices;

    @Option(names = "--psk", description = "PSK devices instead of raw public keys.")
    boolean psk;

    @Option(names = "--out", required = true, description = "Directory for the credential files.")
    Path out;

    @Option(names = "--cloud-port", defaultValue = "5684", description = "Port written into the credential files.")
    int port;

    @Override
    public Integer call() throws IOException {
        if (devices < 1 || devices > 100_000) {
            throw new IllegalArgumentException("--devices must be in [1, 100000], was " + devices);
        }
        Files.createDirectories(out);
        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(data)) {
            KeyPair cloud = registry.cloudKeyPair().orElseGet(() -> {
                KeyPair generated = CloudKeys.generateP256();
                registry.storeCloudKeyPair(generated);
                return generated;
            });
            registry.ensureOwner("bench");
            for (int i = 0; i < devices; i++) {
                String id = DeviceIds.random();
                DeviceCredentials credentials;
                if (psk) {
                    String key = CloudKeys.newPsk();
                    registry.createPskDevice(id, "bench", "bench-" + i, key);
                    credentials = DeviceCredentials.psk(id, key, "127.0.0.1", port, cloud.getPublic().getEncoded());
                } else {
                    KeyPair keys = CloudKeys.generateP256();
                    registry.createRpkDevice(id, "bench", "bench-" + i, keys.getPublic().getEncoded());
                    credentials = DeviceCredentials.rpk(id, keys.getPrivate().getEncoded(),
                            keys.getPublic().getEncoded(), "127.0.0.1", port, cloud.getPublic().getEncoded());
                }
                credentials.save(out.resolve(id + ".json"));
            }
        }
        System.out.println("registered " + devices + (psk ? " PSK" : " RPK") + " devices; credentials in " + out);
        return 0;
    }

    static List<DeviceCredentials> load(Path dir) throws IOException {
        List<DeviceCredentials> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                all.add(DeviceCredentials.load(file));
            }
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no credential files (*.json) in " + dir);
        }
        return all;
    }
}
