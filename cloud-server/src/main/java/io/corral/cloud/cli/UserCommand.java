package io.corral.cloud.cli;

import io.corral.cloud.registry.AccessToken;
import io.corral.cloud.registry.User;
import io.corral.cloud.storage.Storage;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code corral-cloud user}: the users who log in with a password ({@code POST /oauth/token}, as Particle's
 * {@code particle login} and {@code particle.login()} do). A username is an owner name: the user reaches that
 * owner's devices, events and tokens.
 */
@Command(name = "user", description = {"Creates, changes and deletes users who log in with a password.",
        "A username is an owner name; logging in issues a token of that owner (POST /oauth/token)."},
        subcommands = {UserCommand.Create.class, UserCommand.Passwd.class, UserCommand.Delete.class,
                UserCommand.List.class})
final class UserCommand implements Callable<Integer> {
    static final String USERNAME_DOC = "The user's name, which is the owner name: 1..64 letters, digits and "
            + ". _ @ - characters.";
    static final String PASSWORD_DOC = "Read the password from the first line of standard input (8..1024 "
            + "characters); it never goes on the command line.";

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CloudCli.EXIT_USAGE;
    }

    /** {@code user create}. */
    @Command(name = "create", description = "Creates a user (and its owner, if new) with a password read from "
            + "standard input.")
    static final class Create extends StorageCommand {
        @Option(names = "--username", paramLabel = "NAME", required = true, description = USERNAME_DOC)
        private String username;
        @Option(names = "--password-stdin", required = true, description = PASSWORD_DOC)
        private boolean passwordStdin;

        @Override
        int run(Storage storage, PrintWriter out) {
            String password = SecretInput.firstLine(spec, "password");
            User user = storage.users().create(username, password);
            out.println("created user " + user.username()
                    + "; log in with POST /oauth/token (grant_type=password) or: particle login");
            return CloudCli.EXIT_OK;
        }
    }

    /** {@code user passwd}. */
    @Command(name = "passwd", description = {"Sets a user's password, read from standard input.",
            "Tokens issued before keep working; revoke them with 'token revoke' if the old password leaked."})
    static final class Passwd extends StorageCommand {
        @Option(names = "--username", paramLabel = "NAME", required = true, description = USERNAME_DOC)
        private String username;
        @Option(names = "--password-stdin", required = true, description = PASSWORD_DOC)
        private boolean passwordStdin;

        @Override
        int run(Storage storage, PrintWriter out) {
            String password = SecretInput.firstLine(spec, "password");
            storage.users().setPassword(username, password);
            out.println("changed the password of user " + username);
            return CloudCli.EXIT_OK;
        }
    }

    /** {@code user delete}: the login goes, and so do the tokens its logins issued. */
    @Command(name = "delete", description = {"Deletes a user's login and revokes the tokens its logins issued.",
            "The owner, its devices and tokens made with 'token create' stay."})
    static final class Delete extends StorageCommand {
        @Option(names = "--username", paramLabel = "NAME", required = true, description = USERNAME_DOC)
        private String username;

        @Override
        int run(Storage storage, PrintWriter out) {
            int revoked = 0;
            storage.users().delete(username);
            for (AccessToken token : storage.tokens().listByOwner(username)) {
                if (token.client() != null && token.revokedAt() == null) {
                    storage.tokens().revoke(token.id());
                    revoked++;
                }
            }
            out.println("deleted user " + username + "; revoked " + revoked
                    + " access token" + (revoked == 1 ? "" : "s") + " issued by its logins");
            return CloudCli.EXIT_OK;
        }
    }

    /** {@code user list}. */
    @Command(name = "list", description = "Lists the users, by name.")
    static final class List extends StorageCommand {
        @Override
        int run(Storage storage, PrintWriter out) {
            java.util.List<User> users = storage.users().list();
            if (users.isEmpty()) {
                out.println("no users");
            }
            for (User user : users) {
                out.println(user.username() + "  created " + user.created() + ", password set "
                        + user.passwordChanged());
            }
            return CloudCli.EXIT_OK;
        }
    }
}
