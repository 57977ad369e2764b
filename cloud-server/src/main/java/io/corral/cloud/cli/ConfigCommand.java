package io.corral.cloud.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code corral-cloud config}: groups the settings subcommands. */
@Command(name = "config", description = "Shows the settings of 'run' and where each value comes from.",
        subcommands = {ConfigShowCommand.class, ConfigExampleCommand.class})
final class ConfigCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CloudCli.EXIT_USAGE;
    }
}
