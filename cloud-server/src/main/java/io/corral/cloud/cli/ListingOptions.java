package io.corral.cloud.cli;

import picocli.CommandLine.Option;

/** {@code --limit N} and {@code --json}, shared by the commands that list an integration's history. */
final class ListingOptions {
    @Option(names = "--limit", paramLabel = "N", description = "At most N, newest first (default 20, at most 1000).")
    private Integer limit;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    boolean json;

    /** The limit, checked against [1, 1000]. */
    int limit() {
        int value = limit == null ? 20 : limit;
        if (value < 1 || value > 1_000) {
            throw new CommandFailure(CloudCli.EXIT_USAGE, "--limit must be in [1, 1000], was " + value);
        }
        return value;
    }
}
