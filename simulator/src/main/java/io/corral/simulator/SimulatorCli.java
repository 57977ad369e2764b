package io.corral.simulator;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.corral.simulator.run.FleetMismatchException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of {@code corral-sim}: {@code provision} a fleet, {@code run} a scenario with it, {@code compare}
 * two runs.
 *
 * <pre>{@code
 * StringWriter out = new StringWriter();
 * int exit = SimulatorCli.commandLine().setOut(new PrintWriter(out)).execute("run", "--fleet", "fleet", "--scenario", "herd");
 * }</pre>
 */
@Command(name = "corral-sim", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true, version = "corral-sim 0.1.0",
        description = "Runs fleets of virtual Corral devices (real device-sdk devices) against a cloud, to reproduce "
                + "thundering herds and measure what admission control does with them.",
        subcommands = {ProvisionCommand.class, RunCommand.class, CompareCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:done",
                "1:unexpected failure (run with -v for details)",
                "2:bad usage or invalid value",
                "3:the fleet and the cloud do not go together, or the fleet did not connect",
                "4:file, network or cloud API error"})
public final class SimulatorCli implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_STATE = 3;
    static final int EXIT_IO = 4;

    @Spec
    private CommandSpec spec;

    /** Where {@code run} reads {@code CORRAL_SIM_*} settings. */
    private final Map<String, String> environment;

    private SimulatorCli(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Verbose logging: -v for Corral's debug messages, -vv for every library's.")
    void setVerbosity(boolean[] verbosity) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.getLogger("io.corral").setLevel(Level.DEBUG);
            if (verbosity.length > 1) {
                logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.DEBUG);
            }
        }
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** The command line with the simulator's error handling: one-line messages and the documented exit codes. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** As {@link #commandLine()}, with another environment than the process's: for tests of CORRAL_SIM_* settings. */
    static CommandLine commandLine(Map<String, String> environment) {
        return new CommandLine(new SimulatorCli(environment))
                .setParameterExceptionHandler(SimulatorCli::usageError)
                .setExecutionExceptionHandler(SimulatorCli::executionError);
    }

    /** The environment of the command line a subcommand runs in. */
    static Map<String, String> environment(CommandSpec spec) {
        return spec.root().userObject() instanceof SimulatorCli cli ? cli.environment : System.getenv();
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("error: " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        return EXIT_USAGE;
    }

    private static int executionError(Exception e, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        int code = e instanceof CommandFailure failure ? failure.exitCode()
                : e instanceof FleetMismatchException || e instanceof IllegalStateException ? EXIT_STATE
                : e instanceof IllegalArgumentException ? EXIT_USAGE
                : e instanceof IOException || e instanceof UncheckedIOException ? EXIT_IO
                : EXIT_FAILED;
        err.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        if (LoggerFactory.getLogger(SimulatorCli.class).isDebugEnabled()) {
            e.printStackTrace(err);
        } else if (code == EXIT_FAILED) {
            err.println("Run again with -v for the stack trace.");
        }
        return code;
    }
}
