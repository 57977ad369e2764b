package io.corral.cloud.cli;

import io.corral.cloud.registry.CloudKeys;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.registry.RegistryException;
import io.corral.cloud.storage.Storage;
import io.corral.protocol.CorralProfile;
import io.corral.protocol.CredentialFile;
import io.corral.protocol.DeviceIds;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code corral-cloud device create}: registers a device and writes its credential file. */
@Command(name = "create",
        description = {"Registers a new device and writes the credential file it needs to connect.",
                "The owner is created if needed. The device gets a P-256 key pair, or a PSK with --psk."})
final class DeviceCreateCommand implements Callable<Integer> {
    @Mixin
    private StorageOption data;
    @Spec
    private CommandSpec spec;

    @Option(names = "--owner", paramLabel = "NAME", required = true,
            description = "Owner of the device: 1..64 letters, digits and . _ @ - characters.")
    private String owner;

    @Option(names = "--name", paramLabel = "NAME", description = "A label for people: 1..64 characters.")
    private String name;

    @Option(names = "--psk",
            description = "Use a pre-shared key instead of a key pair, so stock tools such as coap-client can connect.")
    private boolean psk;

    @Option(names = "--out", paramLabel = "FILE", required = true,
            description = "Where to write the credential file (JSON); must not exist yet.")
    private Path out;

    @Option(names = "--cloud-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Cloud address written into the credential file (default: ${DEFAULT-VALUE}).")
    private String cloudHost;

    @Option(names = "--cloud-port", paramLabel = "PORT", defaultValue = "" + CorralProfile.DEFAULT_PORT,
            converter = PortConverters.Port.class,
            description = "Cloud UDP port written into the credential file, in [1, 65535] (default: ${DEFAULT-VALUE}).")
    private int cloudPort;

    @Override
    public Integer call() throws IOException {
        if (cloudHost.isBlank()) {
            throw new CommandFailure(CloudCli.EXIT_USAGE, "--cloud-host must be a host name or address, was empty");
        }
        // Refuse before registering anything: overwriting a credential file would orphan another device.
        if (Files.exists(out)) {
            throw new CommandFailure(CloudCli.EXIT_STATE, out + " already exists; choose another --out");
        }
        Path absoluteOut = out.toAbsolutePath();
        if (!Files.isDirectory(absoluteOut.getParent())) {
            throw new CommandFailure(CloudCli.EXIT_STATE, "directory " + absoluteOut.getParent() + " of --out does not exist");
        }
        try (Storage storage = data.openInitialised()) {
            DeviceRegistry registry = storage.registry();
            byte[] cloudKey = registry.cloudKeyPair().orElseThrow().getPublic().getEncoded();
            String deviceId = DeviceIds.random();
            KeyPair keyPair = psk ? null : CloudKeys.generateP256();
            String secret = psk ? CloudKeys.newPsk() : null;
            CredentialFile credentials = psk
                    ? CredentialFile.psk(deviceId, secret, cloudHost, cloudPort, cloudKey)
                    : CredentialFile.rpk(deviceId, keyPair.getPrivate().getEncoded(),
                            keyPair.getPublic().getEncoded(), cloudHost, cloudPort, cloudKey);
            // Write beside the target first: a full disk or a read-only directory then fails before the
            // device exists, and a failed registration leaves no credential file behind.
            Path staged = absoluteOut.resolveSibling("." + absoluteOut.getFileName() + ".tmp");
            credentials.save(staged);
            try {
                try {
                    register(registry, deviceId, keyPair, secret);
                } catch (RegistryException e) {
                    if (e.reason() != RegistryException.Reason.NOT_FOUND) {
                        throw e;
                    }
                    // Only now create the owner: the first attempt has validated every input, so a bad --name
                    // does not leave a new, empty owner behind.
                    registry.ensureOwner(owner);
                    register(registry, deviceId, keyPair, secret);
                }
                Files.move(staged, absoluteOut, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(staged);
            }
            report(deviceId, secret);
        }
        return CloudCli.EXIT_OK;
    }

    private void register(DeviceRegistry registry, String deviceId, KeyPair keyPair, String secret) {
        if (psk) {
            registry.createPskDevice(deviceId, owner, name, secret);
        } else {
            registry.createRpkDevice(deviceId, owner, name, keyPair.getPublic().getEncoded());
        }
    }

    private void report(String deviceId, String secret) {
        PrintWriter console = spec.commandLine().getOut();
        console.println("device id: " + deviceId);
        console.println("owner " + owner + ", auth " + (psk ? "psk" : "rpk") + ", credentials in " + out);
        if (psk) {
            // Base64url PSKs and hex ids need no shell quoting; IPv6 literals need brackets in a URI.
            String host = cloudHost.contains(":") ? "[" + cloudHost + "]" : cloudHost;
            console.println("try it: coap-client -m get -u " + deviceId + " -k " + secret
                    + " coaps://" + host + ":" + cloudPort + "/" + CorralProfile.PATH_TIME);
        }
    }
}
