package io.corral.cloud.testkit;

import io.corral.cloud.cli.CloudCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * The CLI harness: one run of a Picocli command line in this JVM, as a person would type it, with what it printed
 * on standard output and standard error and its exit code.
 *
 * @param exit the exit code {@link CommandLine#execute} returned
 * @param out  everything the command printed to its standard output
 * @param err  everything the command printed to its standard error
 */
public record CliRun(int exit, String out, String err) {

    /** Runs {@code corral-cloud ARGS}. */
    public static CliRun corralCloud(String... args) {
        return execute(CloudCli.commandLine(), args);
    }

    /** Runs {@code corral-cloud ARGS} with {@code stdin} as its standard input, as {@code printf ... |} gives it. */
    public static CliRun corralCloudWithInput(String stdin, String... args) {
        return execute(CloudCli.commandLine(new java.io.ByteArrayInputStream(
                stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8))), args);
    }

    /**
     * Runs {@code corral-cloud init --data DIR}, as an operator's first step, and fails the test if it does not
     * succeed; returns {@code dir} as the text the next commands take after {@code --data}.
     */
    public static String initialised(Path dir) {
        CliRun init = corralCloud("init", "--data", dir.toString());
        if (init.exit() != 0) {
            throw new AssertionError("corral-cloud init --data " + dir + " exited " + init.exit() + ": " + init.err());
        }
        return dir.toString();
    }

    /**
     * Runs {@code args} on a fresh command line, such as {@code SimulatorCli.commandLine()}, or one with an
     * environment of the test's ({@code CloudCli.commandLine(env)}, from the CLI's own package).
     */
    public static CliRun execute(CommandLine commandLine, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = commandLine.setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }
}
