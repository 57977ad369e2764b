package io.corral.cloud.cli;

import io.corral.cloud.registry.AccessToken;
import io.corral.cloud.storage.Storage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code corral-cloud token revoke ID}: a running cloud refuses the token from its next request on. */
@Command(name = "revoke", description = {"Revokes an access token by its id (see 'token list').",
        "A running cloud refuses it from its next request on."})
final class TokenRevokeCommand implements Callable<Integer> {
    @Mixin
    private StorageOption data;
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The token's id: 16 hex characters, as 'token list' prints it.")
    private String id;

    @Override
    public Integer call() {
        AccessToken revoked;
        try (Storage storage = data.openInitialised()) {
            revoked = storage.tokens().revoke(id);
        }
        spec.commandLine().getOut().println("revoked token " + revoked.id() + " of owner " + revoked.owner()
                + " (at " + revoked.revokedAt() + ")");
        return CloudCli.EXIT_OK;
    }
}
