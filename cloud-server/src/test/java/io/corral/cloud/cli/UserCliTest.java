package io.corral.cloud.cli;

import static io.corral.cloud.testkit.CliRun.corralCloud;
import static io.corral.cloud.testkit.CliRun.corralCloudWithInput;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.registry.AccessToken;
import io.corral.cloud.storage.sqlite.SqliteStorage;
import io.corral.cloud.testkit.CliRun;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code corral-cloud user ...} and {@code client ...}: what they store, print and refuse. */
class UserCliTest {
    @TempDir
    Path tmp;

    private String data;

    @BeforeEach
    void init() {
        data = CliRun.initialised(tmp.resolve("data"));
    }

    private SqliteStorage storage() {
        return SqliteStorage.open(tmp.resolve("data"));
    }

    @Test
    void user_create_reads_the_password_from_stdin_and_the_user_can_authenticate() {
        CliRun run = corralCloudWithInput("correct horse battery\n", "user", "create", "--data", data,
                "--username", "alice", "--password-stdin");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("created user alice;").doesNotContain("correct horse");
        try (SqliteStorage storage = storage()) {
            assertThat(storage.users().authenticate("alice", "correct horse battery")).isPresent();
            assertThat(storage.registry().owners()).contains("alice");
        }
        assertThat(corralCloud("user", "list", "--data", data).out()).startsWith("alice  created ");
    }

    @Test
    void user_passwd_replaces_the_password() {
        corralCloudWithInput("correct horse battery\n", "user", "create", "--data", data, "--username", "alice",
                "--password-stdin");

        CliRun run = corralCloudWithInput("a new password\r\n", "user", "passwd", "--data", data, "--username",
                "alice", "--password-stdin");

        assertThat(run.exit()).as(run.err()).isZero();
        try (SqliteStorage storage = storage()) {
            assertThat(storage.users().authenticate("alice", "correct horse battery")).isEmpty();
            assertThat(storage.users().authenticate("alice", "a new password")).isPresent();
        }
    }

    @Test
    void user_delete_removes_the_login_and_revokes_only_the_tokens_of_its_logins() {
        corralCloudWithInput("correct horse battery\n", "user", "create", "--data", data, "--username", "alice",
                "--password-stdin");
        String loginToken;
        String operatorToken;
        try (SqliteStorage storage = storage()) {
            loginToken = storage.tokens().create("alice", false, null, "particle-api").token();
            operatorToken = storage.tokens().create("alice", false, null).token();
        }

        CliRun run = corralCloud("user", "delete", "--data", data, "--username", "alice");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("deleted user alice; revoked 1 access token issued by its logins\n");
        try (SqliteStorage storage = storage()) {
            assertThat(storage.users().find("alice")).isEmpty();
            Instant now = Instant.now();
            assertThat(storage.tokens().use(loginToken, now).orElseThrow().stateAt(now))
                    .isEqualTo(AccessToken.State.REVOKED);
            assertThat(storage.tokens().use(operatorToken, now).orElseThrow().stateAt(now))
                    .isEqualTo(AccessToken.State.ACTIVE);
        }
        CliRun again = corralCloud("user", "delete", "--data", data, "--username", "alice");
        assertThat(again.exit()).isEqualTo(CloudCli.EXIT_STATE);
        assertThat(again.err()).isEqualTo("error: no user 'alice'\n");
    }

    @Test
    void bad_input_names_the_field_and_the_allowed_range() {
        CliRun shortPassword = corralCloudWithInput("short\n", "user", "create", "--data", data, "--username",
                "alice", "--password-stdin");
        CliRun badName = corralCloudWithInput("correct horse battery\n", "user", "create", "--data", data,
                "--username", "al ice", "--password-stdin");
        CliRun noPassword = corralCloudWithInput("", "user", "create", "--data", data, "--username", "alice",
                "--password-stdin");
        CliRun taken = corralCloudWithInput("correct horse battery\n", "user", "create", "--data", data,
                "--username", "bob", "--password-stdin");
        CliRun twice = corralCloudWithInput("correct horse battery\n", "user", "create", "--data", data,
                "--username", "bob", "--password-stdin");

        assertThat(shortPassword.exit()).isEqualTo(CloudCli.EXIT_USAGE);
        assertThat(shortPassword.err()).isEqualTo("error: password must be 8..1024 characters, was 5 characters\n");
        assertThat(badName.exit()).isEqualTo(CloudCli.EXIT_USAGE);
        assertThat(badName.err()).isEqualTo(
                "error: username must be 1..64 characters of [A-Za-z0-9._@-], was 'al ice'\n");
        assertThat(noPassword.exit()).isEqualTo(CloudCli.EXIT_USAGE);
        assertThat(noPassword.err()).startsWith("error: no password on standard input;");
        assertThat(taken.exit()).isZero();
        assertThat(twice.exit()).isEqualTo(CloudCli.EXIT_STATE);
        assertThat(twice.err()).startsWith("error: user 'bob' already exists;");
    }

    @Test
    void client_create_prints_a_generated_secret_once_that_authenticates() {
        CliRun run = corralCloud("client", "create", "--data", data, "--id", "ci-bot", "--owner", "alice");

        assertThat(run.exit()).as(run.err()).isZero();
        Matcher m = Pattern.compile("client secret: ([A-Za-z0-9_-]{43})\n").matcher(run.out());
        assertThat(m.find()).as(run.out()).isTrue();
        assertThat(run.out()).startsWith("created OAuth client ci-bot of owner alice\n");
        try (SqliteStorage storage = storage()) {
            assertThat(storage.users().authenticateClient("ci-bot", m.group(1)))
                    .hasValueSatisfying(c -> assertThat(c.owner()).isEqualTo("alice"));
        }
        assertThat(corralCloud("client", "list", "--data", data).out()).startsWith("ci-bot  owner alice, created ")
                .doesNotContain(m.group(1));
    }

    @Test
    void client_create_takes_a_secret_from_stdin_and_client_delete_removes_it() {
        CliRun run = corralCloudWithInput("a chosen secret of sixteen\n", "client", "create", "--data", data,
                "--id", "app", "--secret-stdin");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("created OAuth client app (no owner: password logins only)\n");
        try (SqliteStorage storage = storage()) {
            assertThat(storage.users().authenticateClient("app", "a chosen secret of sixteen")).isPresent();
        }
        assertThat(corralCloud("client", "delete", "--data", data, "--id", "app").exit()).isZero();
        try (SqliteStorage storage = storage()) {
            assertThat(storage.users().findClient("app")).isEmpty();
        }
        CliRun shortSecret = corralCloudWithInput("short\n", "client", "create", "--data", data, "--id", "app",
                "--secret-stdin");
        assertThat(shortSecret.err()).isEqualTo("error: client secret must be 16..1024 characters, was 5 characters\n");
    }
}
