package io.corral.cloud.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Reads a secret from standard input ({@code --password-stdin}, {@code --secret-stdin}): the first line, without
 * its line end. Secrets never go on the command line, where {@code ps} and shell history would show them.
 */
final class SecretInput {
    private SecretInput() {
    }

    /** @param what the secret's name for the error message: {@code password} */
    static String firstLine(CommandSpec spec, String what) {
        InputStream in = spec.root().userObject() instanceof CloudCli cli ? cli.stdin() : System.in;
        try {
            String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw new CommandFailure(CloudCli.EXIT_USAGE, "no " + what + " on standard input; pipe it in, such as:"
                        + " printf '%s\\n' \"$PASSWORD\" | " + spec.qualifiedName() + " ...");
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + what + " from standard input: " + e.getMessage(), e);
        }
    }
}
