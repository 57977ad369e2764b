package io.corral.cloud.cli;

import io.corral.cloud.storage.Storage;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A subcommand that opens the cloud's initialised state ({@code --data DIR} or {@code --storage SPEC}), does one
 * thing with it, and says what it did. Picocli finds the annotated fields of this class in its subclasses.
 */
abstract class StorageCommand implements Callable<Integer> {
    @Mixin
    private StorageOption data;
    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        try (Storage storage = data.openInitialised()) {
            return run(storage, spec.commandLine().getOut());
        }
    }

    /** Does the command's work on {@code storage}; returns the exit code. */
    abstract int run(Storage storage, PrintWriter out) throws Exception;
}
