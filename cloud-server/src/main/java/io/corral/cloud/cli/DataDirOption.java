package io.corral.cloud.cli;

import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.registry.CloudKeys;
import io.corral.cloud.registry.RegistryException;
import io.corral.cloud.registry.SqliteDeviceRegistry;
import io.corral.cloud.registry.SqliteTokenStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import picocli.CommandLine.Option;

/** The {@code --data DIR} option every command shares, and the two ways commands open what it names. */
final class DataDirOption {

    @Option(names = "--data", paramLabel = "DIR", required = true,
            description = "Data directory of the cloud: the registry database (corral.db) and the cloud's key pair.")
    private Path dir;

    Path dir() {
        return dir;
    }

    /** What {@link #initialise()} found or made. */
    record Initialised(boolean created, byte[] cloudPublicKeySpki) {
    }

    /** Creates the directory, the registry and the cloud's key pair where missing; safe to repeat. */
    Initialised initialise() {
        return initialise(dir);
    }

    /** As {@link #initialise()}, for a command that takes its directory from elsewhere ({@code run}'s storage). */
    static Initialised initialise(Path dir) {
        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(dir)) {
            if (registry.cloudKeyPair().isPresent()) {
                return new Initialised(false, registry.cloudKeyPair().get().getPublic().getEncoded());
            }
            KeyPair keyPair = CloudKeys.generateP256();
            try {
                registry.storeCloudKeyPair(keyPair);
                return new Initialised(true, keyPair.getPublic().getEncoded());
            } catch (RegistryException e) {
                if (e.reason() != RegistryException.Reason.CONFLICT) {
                    throw e;
                }
                // Another init won the race; its key is the cloud's key.
                return new Initialised(false, registry.cloudKeyPair().orElseThrow().getPublic().getEncoded());
            }
        }
    }

    /**
     * Opens the registry of a directory that {@code init} has set up. Refuses anything else rather than creating
     * it: a typo in {@code --data} would otherwise register devices in a fresh, empty cloud.
     */
    SqliteDeviceRegistry openInitialised() {
        if (!Files.isRegularFile(dir.resolve(SqliteDeviceRegistry.DATABASE_FILE))) {
            throw notInitialised();
        }
        SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(dir);
        if (registry.cloudKeyPair().isEmpty()) {
            registry.close();
            throw notInitialised();
        }
        return registry;
    }

    /** Opens the token store of a directory that {@code init} has set up; refuses anything else, as above. */
    SqliteTokenStore openInitialisedTokens() {
        openInitialised().close();
        return SqliteTokenStore.open(dir);
    }

    /**
     * Opens the integrations database of a directory that {@code init} has set up; refuses anything else, as
     * above. A running cloud sees changes made here within its refresh interval (1 s by default).
     */
    SqliteIntegrationDatabase openInitialisedIntegrations() {
        openInitialised().close();
        return SqliteIntegrationDatabase.open(dir);
    }

    private CommandFailure notInitialised() {
        return new CommandFailure(CloudCli.EXIT_STATE,
                "data dir " + dir + " is not initialised; run: corral-cloud init --data " + dir);
    }
}
