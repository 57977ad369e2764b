package io.corral.cloud.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.corral.cloud.registry.AccessToken;
import io.corral.cloud.registry.TokenStore;
import io.corral.cloud.storage.Storage;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code corral-cloud token create}: issues an access token and prints it, the only time it is ever shown. */
@Command(name = "create",
        description = {"Creates an HTTP API access token for an owner (created if needed) and prints it once:",
                "the cloud stores only its SHA-256 hash. Use it as 'Authorization: Bearer TOKEN'."})
final class TokenCreateCommand implements Callable<Integer> {
    @Mixin
    private StorageOption data;
    @Spec
    private CommandSpec spec;

    @Option(names = "--owner", paramLabel = "NAME", required = true,
            description = "Owner whose devices and events the token reaches: 1..64 letters, digits and . _ @ - characters.")
    private String owner;

    @Option(names = "--admin", description = "Give the token the admin scope: operations endpoints, provisioning "
            + "and tokens for any owner.")
    private boolean admin;

    @Option(names = "--expires-in", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Lifetime, such as 90d, 12h, 30m or PT1H; at most 3650d. Default: never expires.")
    private Duration expiresIn;

    @Option(names = "--json", description = "Print JSON instead of text.")
    private boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        TokenStore.Issued issued;
        try (Storage storage = data.openInitialised()) {
            issued = storage.tokens().create(owner, admin, expiresIn == null ? null : Instant.now().plus(expiresIn));
        }
        AccessToken token = issued.record();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("access_token", issued.token());
            fields.put("token_type", "bearer");
            fields.put("id", token.id());
            fields.put("owner", token.owner());
            fields.put("admin", token.admin());
            fields.put("expires_at", token.expiresAt() == null ? null : token.expiresAt().toString());
            out.println(TokenListCommand.JSON.writeValueAsString(fields));
        } else {
            out.println("access token: " + issued.token());
            out.println("id " + token.id() + ", owner " + token.owner() + (token.admin() ? ", admin" : "")
                    + ", expires " + (token.expiresAt() == null ? "never" : token.expiresAt().toString()));
            out.println("Keep it now: it is not stored and cannot be shown again.");
        }
        return CloudCli.EXIT_OK;
    }
}
