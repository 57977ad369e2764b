package io.corral.cloud.cli;

import io.corral.cloud.storage.Storage;
import io.corral.cloud.storage.StorageSpec;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code corral-cloud init}: creates the storage (the data directory, the registry) and the cloud's key pair. */
@Command(name = "init",
        description = {"Creates the data directory, its registry and the cloud's P-256 key pair.",
                "Safe to repeat: an initialised directory is left as it is.",
                "Prints the cloud's public key (base64 SubjectPublicKeyInfo), which devices pin."})
final class InitCommand implements Callable<Integer> {
    @Mixin
    private StorageOption storage;
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        StorageOption.Initialised result;
        try (Storage opened = storage.open()) {
            result = StorageOption.initialise(opened.registry());
        }
        var out = spec.commandLine().getOut();
        String name = storage.describe();
        // Memory storage ends with this command: say so, rather than let "initialised" suggest something lasts.
        String lasting = storage.spec() instanceof StorageSpec.Memory ? " (nothing is kept: memory storage ends with"
                + " the process)" : "";
        out.println(result.created() ? "initialised " + name + lasting : name + " is already initialised");
        out.println("cloud public key: " + Base64.getEncoder().encodeToString(result.cloudPublicKeySpki()));
        return CloudCli.EXIT_OK;
    }
}
