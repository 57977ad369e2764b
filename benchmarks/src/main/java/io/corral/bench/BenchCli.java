package io.corral.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the load benchmarks (JMH benchmarks run through {@code org.openjdk.jmh.Main}). */
@Command(name = "corral-bench", mixinStandardHelpOptions = true,
        subcommands = {BenchFleet.class, HandshakeBench.class, DeviceFootprint.class, ApiBench.class,
                IntegrationsBench.class},
        description = "Corral load benchmarks. Run through scripts/bench-*.")
public final class BenchCli {
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCli()).execute(args));
    }
}
