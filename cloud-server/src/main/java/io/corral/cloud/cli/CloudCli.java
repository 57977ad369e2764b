package io.corral.cloud.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.ops.AlertConfigException;
import io.corral.cloud.registry.RegistryException;
import java.io.IOException;
import java.io.InputStream;
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
 * Entry point of {@code corral-cloud}: {@code init}, {@code device create|list}, {@code token create|list|revoke},
 * {@code user create|passwd|delete|list}, {@code client create|delete|list},
 * {@code integration ...}, {@code run}, {@code worker} and {@code config show|example}.
 *
 * <p>Tests and embedders build the same command line the launcher runs with {@link #commandLine()}:
 * <pre>{@code
 * StringWriter out = new StringWriter();
 * int exit = CloudCli.commandLine().setOut(new PrintWriter(out)).execute("init", "--data", "/tmp/corral");
 * }</pre>
 */
// INHERIT gives every subcommand --help, --version and the exit-code list.
@Command(name = "corral-cloud", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true, version = "corral-cloud 0.1.0",
        description = "The Corral cloud: sets up its data directory, registers devices, issues API tokens, manages "
                + "integrations, and runs the CoAP/DTLS endpoint, the HTTP API and integration workers.",
        subcommands = {InitCommand.class, DeviceCommand.class, TokenCommand.class, UserCommand.class,
                ClientCommand.class, IntegrationCommand.class,
                RunCommand.class, WorkerCommand.class, ConfigCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:done",
                "1:unexpected failure (run with -v for details)",
                "2:bad usage or invalid value",
                "3:not possible in the current state (not initialised, unknown owner, already exists)",
                "4:storage or file error"})
public final class CloudCli implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_STATE = 3;
    static final int EXIT_STORAGE = 4;

    @Spec
    private CommandSpec spec;

    /** Where {@code run} and {@code config show} read {@code CORRAL_*} settings. */
    private final Map<String, String> environment;
    /** Where {@code --password-stdin} and {@code --secret-stdin} read. */
    private final InputStream stdin;

    private CloudCli(Map<String, String> environment, InputStream stdin) {
        this.environment = Map.copyOf(environment);
        this.stdin = stdin;
    }

    /** Applied while parsing, so it is in force before any command runs; inherited by every subcommand. */
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

    Map<String, String> environment() {
        return environment;
    }

    InputStream stdin() {
        return stdin;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** The command line with Corral's error handling: one-line messages and the documented exit codes. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** As {@link #commandLine()}, with another environment than the process's: for tests of CORRAL_* settings. */
    static CommandLine commandLine(Map<String, String> environment) {
        return commandLine(environment, System.in);
    }

    /** As {@link #commandLine()}, reading standard input from {@code stdin}: for tests of {@code --password-stdin}. */
    public static CommandLine commandLine(InputStream stdin) {
        return commandLine(System.getenv(), stdin);
    }

    private static CommandLine commandLine(Map<String, String> environment, InputStream stdin) {
        return new CommandLine(new CloudCli(environment, stdin))
                .setParameterExceptionHandler(CloudCli::usageError)
                .setExecutionExceptionHandler(CloudCli::executionError);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** A bad option: say which and how to get help, without the whole usage text. */
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
        int code = exitCode(e);
        err.println("error: " + message(e));
        if (LoggerFactory.getLogger(CloudCli.class).isDebugEnabled()) {
            e.printStackTrace(err);
        } else if (code == EXIT_FAILED) {
            err.println("Run again with -v for the stack trace.");
        }
        return code;
    }

    private static int exitCode(Exception e) {
        if (e instanceof CommandFailure failure) {
            return failure.exitCode();
        }
        if (e instanceof RegistryException registry) {
            return switch (registry.reason()) {
                case INVALID_INPUT -> EXIT_USAGE;
                case NOT_FOUND, CONFLICT -> EXIT_STATE;
                case STORAGE -> EXIT_STORAGE;
            };
        }
        if (e instanceof AlertConfigException) {
            return EXIT_USAGE;
        }
        if (e instanceof IntegrationException integration) {
            return switch (integration.reason()) {
                case INVALID_INPUT -> EXIT_USAGE;
                case NOT_FOUND, CONFLICT -> EXIT_STATE;
                case OVERLOADED, STORAGE -> EXIT_STORAGE;
            };
        }
        if (e instanceof IOException || e instanceof UncheckedIOException) {
            return EXIT_STORAGE;
        }
        return EXIT_FAILED;
    }

    private static String message(Exception e) {
        if (e instanceof CommandFailure || e instanceof RegistryException || e instanceof IntegrationException) {
            return e.getMessage();
        }
        // JDK file errors carry only the path as message; the type says what went wrong.
        if (e instanceof java.nio.file.FileSystemException fs) {
            return fs.getClass().getSimpleName().replace("Exception", "") + ": " + fs.getMessage();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
