package io.corral.cloud.cli;

import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code corral-cloud init}: creates the data directory, the registry and the cloud's key pair. */
@Command(name = "init",
        description = {"Creates the data directory, its registry and the cloud's P-256 key pair.",
                "Safe to repeat: an initialised directory is left as it is.",
                "Prints the cloud's public key (base64 SubjectPublicKeyInfo), which devices pin."})
final class InitCommand implements Callable<Integer> {
    @Mixin
    private DataDirOption data;
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        DataDirOption.Initialised result = data.initialise();
        var out = spec.commandLine().getOut();
        out.println(result.created() ? "initialised " + data.dir() : data.dir() + " is already initialised");
        out.println("cloud public key: " + Base64.getEncoder().encodeToString(result.cloudPublicKeySpki()));
        return CloudCli.EXIT_OK;
    }
}
