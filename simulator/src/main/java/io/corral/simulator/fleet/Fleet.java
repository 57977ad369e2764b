package io.corral.simulator.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.device.DeviceCredentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A provisioned fleet on disk: {@value #MANIFEST} and {@value #DEVICES} (one credential file per line, secrets
 * included, so the file is readable by its owner only).
 *
 * <pre>{@code
 * Fleet fleet = Fleet.load(Path.of("fleet"));
 * DeviceCredentials first = fleet.credentials().get(0);
 * }</pre>
 */
public final class Fleet {
    public static final String MANIFEST = "fleet.json";
    public static final String DEVICES = "devices.jsonl";
    static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final FleetManifest manifest;
    private final List<DeviceCredentials> credentials;

    private Fleet(Path dir, FleetManifest manifest, List<DeviceCredentials> credentials) {
        this.dir = dir;
        this.manifest = manifest;
        this.credentials = List.copyOf(credentials);
    }

    /**
     * Reads a fleet directory.
     *
     * @throws IllegalArgumentException naming what is missing or broken, and how to make a fleet
     */
    public static Fleet load(Path dir) {
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new IllegalArgumentException(dir + " is not a fleet directory: it has no " + MANIFEST
                    + "; make one with: corral-sim provision --devices N --cloud URL --token T --out " + dir);
        }
        try {
            FleetManifest manifest = JSON.readValue(manifestFile.toFile(), FleetManifest.class);
            if (manifest.format() != FleetManifest.FORMAT) {
                throw new IllegalArgumentException(manifestFile + " is format " + manifest.format() + "; this "
                        + "simulator reads format " + FleetManifest.FORMAT + ": provision the fleet again");
            }
            List<DeviceCredentials> credentials = new ArrayList<>(manifest.devices());
            try (BufferedReader lines = Files.newBufferedReader(dir.resolve(DEVICES))) {
                String line;
                int number = 0;
                while ((line = lines.readLine()) != null) {
                    number++;
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        credentials.add(DeviceCredentials.fromJson(line));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(dir.resolve(DEVICES) + " line " + number + ": "
                                + e.getMessage(), e);
                    }
                }
            }
            if (credentials.size() != manifest.devices()) {
                throw new IllegalArgumentException(dir.resolve(DEVICES) + " holds " + credentials.size()
                        + " devices, " + MANIFEST + " says " + manifest.devices() + ": provision the fleet again");
            }
            return new Fleet(dir, manifest, credentials);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(dir + " is not a complete fleet directory: " + e.getFile()
                    + " is missing", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the fleet in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes a fleet directory: the credentials first, the manifest last, so a half-written fleet has none. */
    static void write(Path dir, FleetManifest manifest, List<DeviceCredentials> credentials) throws IOException {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(MANIFEST));
        Path devices = dir.resolve(DEVICES);
        Files.deleteIfExists(devices);
        Files.createFile(devices, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        try (var out = Files.newBufferedWriter(devices)) {
            for (DeviceCredentials device : credentials) {
                out.write(JSON.writeValueAsString(JSON.readTree(device.toJson())));
                out.newLine();
            }
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(MANIFEST).toFile(), manifest);
    }

    public Path dir() {
        return dir;
    }

    public FleetManifest manifest() {
        return manifest;
    }

    /** Every device's credentials, in provisioning order. */
    public List<DeviceCredentials> credentials() {
        return credentials;
    }

    public int size() {
        return credentials.size();
    }
}
