package io.corral.cloud.cli;

/**
 * A command that cannot do what was asked, for a reason the user can fix; {@link CloudCli} prints the message
 * on one line, without a stack trace, and exits with {@link #exitCode()}.
 */
final class CommandFailure extends RuntimeException {
    private final int exitCode;

    CommandFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
