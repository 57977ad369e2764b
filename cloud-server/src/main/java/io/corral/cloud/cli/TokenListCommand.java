package io.corral.cloud.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.corral.cloud.registry.AccessToken;
import io.corral.cloud.registry.TokenStore;
import io.corral.cloud.storage.Storage;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code corral-cloud token list}: tokens with their state; never the tokens themselves, which are not stored. */
@Command(name = "list", description = {"Lists access tokens, of one owner or of all, with their state.",
        "Tokens are stored as hashes only, so the list shows ids, never tokens."})
final class TokenListCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    @Mixin
    private StorageOption data;
    @Spec
    private CommandSpec spec;

    @Option(names = "--owner", paramLabel = "NAME", description = "Only this owner's tokens.")
    private String owner;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    private boolean json;

    /** One token as {@code --json} prints it; times are ISO-8601 UTC or null. */
    record Listed(String id, String owner, boolean admin, String state, String createdAt, String expiresAt,
                  String lastUsedAt, String revokedAt) {
    }

    @Override
    public Integer call() throws JsonProcessingException {
        List<AccessToken> tokens;
        try (Storage storage = data.openInitialised()) {
            TokenStore store = storage.tokens();
            tokens = owner == null ? store.listAll() : store.listByOwner(owner);
        }
        Instant now = Instant.now();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JSON.writeValueAsString(tokens.stream().map(t -> listed(t, now)).toList()));
            return CloudCli.EXIT_OK;
        }
        if (tokens.isEmpty()) {
            out.println("no tokens");
            return CloudCli.EXIT_OK;
        }
        int ownerWidth = Math.max("OWNER".length(), tokens.stream().mapToInt(t -> t.owner().length()).max().orElse(0));
        String format = "%-16s  %-" + ownerWidth + "s  %-5s  %-7s  %-20s  %-20s  %s";
        out.println(String.format(format, "ID", "OWNER", "ADMIN", "STATE", "CREATED", "EXPIRES", "LAST USED"));
        for (AccessToken t : tokens) {
            out.println(String.format(format, t.id(), t.owner(), t.admin() ? "yes" : "no", state(t, now),
                    seconds(t.created()), t.expiresAt() == null ? "never" : seconds(t.expiresAt()),
                    t.lastUsed() == null ? "never" : seconds(t.lastUsed())).stripTrailing());
        }
        return CloudCli.EXIT_OK;
    }

    private static Listed listed(AccessToken t, Instant now) {
        return new Listed(t.id(), t.owner(), t.admin(), state(t, now), t.created().toString(), iso(t.expiresAt()),
                iso(t.lastUsed()), iso(t.revokedAt()));
    }

    private static String state(AccessToken t, Instant now) {
        return t.stateAt(now).name().toLowerCase(Locale.ROOT);
    }

    private static String iso(Instant at) {
        return at == null ? null : at.toString();
    }

    private static String seconds(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
