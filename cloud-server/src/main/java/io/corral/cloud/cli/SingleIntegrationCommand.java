package io.corral.cloud.cli;

import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.storage.Storage;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Base of the {@code integration} subcommands that act on one integration: the storage option and the id, the
 * storage opened, the integration found (or a "not found" the user can act on), and closed again afterwards.
 */
abstract class SingleIntegrationCommand implements Callable<Integer> {
    @Mixin
    private StorageOption data;
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The integration's id (int_...).")
    private String id;

    @Override
    public final Integer call() throws Exception {
        validate();
        try (Storage storage = data.openInitialised()) {
            Integration integration = storage.integrations().find(id).orElseThrow(() -> new IntegrationException(
                    IntegrationException.Reason.NOT_FOUND, "no integration " + id + "; see: corral-cloud integration list"));
            run(storage, integration, spec.commandLine().getOut());
        }
        return CloudCli.EXIT_OK;
    }

    /** Checks options before anything is opened; throws {@link CommandFailure} for a bad one. */
    void validate() {
    }

    abstract void run(Storage storage, Integration integration, PrintWriter out) throws Exception;
}
