package io.corral.cloud.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code corral-cloud device}: groups the device subcommands. */
@Command(name = "device", description = "Registers and lists devices.",
        subcommands = {DeviceCreateCommand.class, DeviceListCommand.class})
final class DeviceCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        // A group alone does nothing; say what it offers.
        spec.commandLine().usage(spec.commandLine().getErr());
        return CloudCli.EXIT_USAGE;
    }
}
