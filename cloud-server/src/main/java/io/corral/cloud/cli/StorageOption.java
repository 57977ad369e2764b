package io.corral.cloud.cli;

import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.registry.CloudKeys;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.registry.RegistryException;
import io.corral.cloud.registry.SqliteDeviceRegistry;
import io.corral.cloud.storage.Storage;
import io.corral.cloud.storage.StorageSpec;
import io.corral.cloud.storage.Storages;
import io.corral.cloud.storage.sqlite.SqliteStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * Where a command finds the cloud's state, {@code --data DIR} or {@code --storage SPEC} (one of them), and the
 * ways commands open it. Commands see only the {@link Storage} interface; which engine is behind it is the
 * {@code storage} setting's business.
 */
final class StorageOption {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Data directory of the cloud: the registry database (corral.db) and the cloud's key pair."
                    + " Short for --storage sqlite:DIR.")
    private Path dir;

    @Option(names = "--storage", paramLabel = "SPEC", converter = SpecConverter.class,
            description = "Where the cloud keeps its state: sqlite:DIR (as --data DIR), or memory: nothing on disk,"
                    + " gone when the process ends (for demos and tests). Give --data or --storage.")
    private StorageSpec storage;

    /** Picocli prefixes the message with the option's name. */
    static final class SpecConverter implements ITypeConverter<StorageSpec> {
        @Override
        public StorageSpec convert(String value) {
            try {
                return StorageSpec.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** What {@link #initialise} found or made. */
    record Initialised(boolean created, byte[] cloudPublicKeySpki) {
    }

    /**
     * The storage named on the command line.
     *
     * @throws ParameterException for neither or both of the options, so it reads as any other usage error
     */
    StorageSpec spec() {
        if (dir != null && storage != null) {
            // In the words of run's own check (SettingsOptions), so every command says it alike.
            throw new ParameterException(command.commandLine(), "--data and --storage both given; --data DIR is "
                    + "short for --storage sqlite:DIR, so give one of them");
        }
        if (dir == null && storage == null) {
            // Word for word what picocli says for a missing required option: --data is still the usual one.
            throw new ParameterException(command.commandLine(), "Missing required option: '--data=DIR'");
        }
        return storage != null ? storage : new StorageSpec.Sqlite(dir);
    }

    /** The storage as the user named it, for messages: the directory for {@code --data}, else the spec. */
    String describe() {
        return storage == null && dir != null ? dir.toString() : String.valueOf(spec());
    }

    /** Opens the storage, whatever its state; its SQLite directory is created when a part is first used. */
    Storage open() {
        return Storages.open(spec(), SqliteIntegrationDatabase.Options.DEFAULTS);
    }

    /** Creates SQLite storage in {@code dir} and the cloud's key pair where missing; for {@code run}. */
    static Initialised initialise(Path dir) {
        try (Storage opened = SqliteStorage.open(dir)) {
            return initialise(opened.registry());
        }
    }

    /** Creates the cloud's key pair in {@code registry} unless it has one; safe to repeat and to race. */
    static Initialised initialise(DeviceRegistry registry) {
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

    /**
     * Opens storage that {@code init} has set up. Refuses anything else rather than creating it: a typo in
     * {@code --data} would otherwise register devices in a fresh, empty cloud. Memory storage is refused too:
     * it starts empty and is gone when the command ends, so the command could change or show nothing.
     */
    Storage openInitialised() {
        switch (spec()) {
            case StorageSpec.Sqlite sqlite -> {
                if (!Files.isRegularFile(sqlite.directory().resolve(SqliteDeviceRegistry.DATABASE_FILE))) {
                    throw notInitialised();
                }
            }
            case StorageSpec.Memory memory -> throw new CommandFailure(CloudCli.EXIT_USAGE, "'"
                    + command.qualifiedName() + "' needs storage that outlives it, was --storage " + memory
                    + " (empty at start, gone at the end); use --data DIR or --storage sqlite:DIR");
        }
        Storage opened = open();
        try {
            if (opened.registry().cloudKeyPair().isEmpty()) {
                throw notInitialised();
            }
            return opened;
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    private CommandFailure notInitialised() {
        String option = storage == null ? "--data " + dir : "--storage " + storage;
        return new CommandFailure(CloudCli.EXIT_STATE, (storage == null ? "data dir " + dir : "storage " + storage)
                + " is not initialised; run: corral-cloud init " + option);
    }
}
