package io.corral.cloud.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.corral.cloud.registry.OAuthClient;
import io.corral.cloud.registry.TokenSecrets;
import io.corral.cloud.storage.Storage;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code corral-cloud client}: OAuth clients of {@code POST /oauth/token}. A client with an owner may take the
 * {@code client_credentials} grant, which issues a token of that owner; any client may carry a user's password
 * login. Particle's own clients need none of this: their ids are accepted by the {@code auth.accepted-client-ids}
 * setting.
 */
@Command(name = "client", description = {"Creates, lists and deletes OAuth clients of POST /oauth/token.",
        "A client with --owner can log in by itself (grant_type=client_credentials) as that owner."},
        subcommands = {ClientCommand.Create.class, ClientCommand.Delete.class, ClientCommand.List.class})
final class ClientCommand implements Callable<Integer> {
    static final String ID_DOC = "The client id it sends as client_id: 1..64 letters, digits and . _ - characters.";

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CloudCli.EXIT_USAGE;
    }

    /** {@code client create}: prints a generated secret once, unless one is read from standard input. */
    @Command(name = "create", description = {"Creates an OAuth client and prints its secret once: the cloud keeps "
            + "only an Argon2id hash of it."})
    static final class Create extends StorageCommand {
        @Option(names = "--id", paramLabel = "ID", required = true, description = ID_DOC)
        private String id;
        @Option(names = "--owner", paramLabel = "NAME", description = "The owner of the tokens its "
                + "client_credentials grant issues (created if new). Without it, the client can only carry "
                + "password logins.")
        private String owner;
        @Option(names = "--secret-stdin", description = "Read the secret from the first line of standard input "
                + "(16..1024 characters) instead of generating one.")
        private boolean secretStdin;
        @Option(names = "--json", description = "Print JSON instead of text.")
        private boolean json;

        @Override
        int run(Storage storage, PrintWriter out) throws JsonProcessingException {
            String secret = secretStdin ? SecretInput.firstLine(spec, "client secret") : TokenSecrets.newToken();
            OAuthClient client = storage.users().createClient(id, secret, owner);
            if (json) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("client_id", client.id());
                fields.put("client_secret", secretStdin ? null : secret);
                fields.put("owner", client.owner());
                out.println(TokenListCommand.JSON.writeValueAsString(fields));
            } else {
                out.println("created OAuth client " + client.id()
                        + (client.owner() == null ? " (no owner: password logins only)" : " of owner " + client.owner()));
                if (!secretStdin) {
                    out.println("client secret: " + secret);
                    out.println("Keep it now: it is not stored and cannot be shown again.");
                }
            }
            return CloudCli.EXIT_OK;
        }
    }

    /** {@code client delete}. */
    @Command(name = "delete", description = "Deletes an OAuth client; tokens it was issued keep working until revoked.")
    static final class Delete extends StorageCommand {
        @Option(names = "--id", paramLabel = "ID", required = true, description = ID_DOC)
        private String id;

        @Override
        int run(Storage storage, PrintWriter out) {
            storage.users().deleteClient(id);
            out.println("deleted OAuth client " + id);
            return CloudCli.EXIT_OK;
        }
    }

    /** {@code client list}. */
    @Command(name = "list", description = "Lists the OAuth clients, by id; never their secrets.")
    static final class List extends StorageCommand {
        @Override
        int run(Storage storage, PrintWriter out) {
            java.util.List<OAuthClient> clients = storage.users().listClients();
            if (clients.isEmpty()) {
                out.println("no OAuth clients");
            }
            for (OAuthClient client : clients) {
                out.println(client.id() + "  owner " + (client.owner() == null ? "-" : client.owner())
                        + ", created " + client.created());
            }
            return CloudCli.EXIT_OK;
        }
    }
}
