package io.corral.cloud.cli;

import static io.corral.cloud.testkit.CliRun.corralCloud;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.cloud.registry.AccessToken;
import io.corral.cloud.registry.SqliteTokenStore;
import io.corral.cloud.testkit.CliRun;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCliTest {
    private static final Pattern TOKEN = Pattern.compile("access token: ([A-Za-z0-9_-]{43})\nid ([0-9a-f]{16}), ");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private String data;

    @BeforeEach
    void init() {
        data = CliRun.initialised(tmp.resolve("data"));
    }

    private AccessToken stored(String token) {
        try (SqliteTokenStore tokens = SqliteTokenStore.open(tmp.resolve("data"))) {
            return tokens.use(token, Instant.now()).orElseThrow();
        }
    }

    @Test
    void create_prints_a_working_token_once_with_its_id() {
        CliRun run = corralCloud("token", "create", "--data", data, "--owner", "alice");

        assertThat(run.exit()).as(run.err()).isZero();
        Matcher m = TOKEN.matcher(run.out());
        assertThat(m.find()).as(run.out()).isTrue();
        AccessToken token = stored(m.group(1));
        assertThat(token.id()).isEqualTo(m.group(2));
        assertThat(token.owner()).isEqualTo("alice");
        assertThat(token.admin()).isFalse();
        assertThat(token.expiresAt()).isNull();
        assertThat(run.out()).endsWith(", owner alice, expires never\nKeep it now: it is not stored and cannot be shown again.\n");
    }

    @Test
    void create_with_admin_and_expiry_prints_json() throws Exception {
        Instant before = Instant.now();
        CliRun run = corralCloud("token", "create", "--data", data, "--owner", "ops", "--admin", "--expires-in", "12h", "--json");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode json = JSON.readTree(run.out());
        assertThat(json.get("token_type").asText()).isEqualTo("bearer");
        assertThat(json.get("admin").asBoolean()).isTrue();
        AccessToken token = stored(json.get("access_token").asText());
        assertThat(token.admin()).isTrue();
        assertThat(token.expiresAt()).isBetween(before.plus(Duration.ofHours(12)).minusSeconds(1),
                Instant.now().plus(Duration.ofHours(12)));
        assertThat(json.get("expires_at").asText()).isEqualTo(token.expiresAt().toString());
    }

    @Test
    void a_malformed_or_out_of_range_expiry_is_a_usage_error_naming_the_option() {
        CliRun malformed = corralCloud("token", "create", "--data", data, "--owner", "alice", "--expires-in", "soon");
        CliRun tooLong = corralCloud("token", "create", "--data", data, "--owner", "alice", "--expires-in", "3651d");

        assertThat(malformed.exit()).isEqualTo(2);
        assertThat(malformed.err()).startsWith("error: Invalid value for option '--expires-in': 'soon' is not a duration "
                + "such as 90d, 12h, 30m, 45s or PT1H30M");
        assertThat(tooLong.exit()).isEqualTo(2);
        assertThat(tooLong.err()).contains("duration must be in (0, 3650d], was '3651d'");
    }

    @Test
    void list_shows_ids_and_states_never_tokens_and_revoke_takes_effect() throws Exception {
        CliRun first = corralCloud("token", "create", "--data", data, "--owner", "alice");
        Matcher m = TOKEN.matcher(first.out());
        assertThat(m.find()).isTrue();
        corralCloud("token", "create", "--data", data, "--owner", "bob", "--admin");

        CliRun revoke = corralCloud("token", "revoke", "--data", data, m.group(2));
        CliRun table = corralCloud("token", "list", "--data", data);
        CliRun aliceJson = corralCloud("token", "list", "--data", data, "--owner", "alice", "--json");

        assertThat(revoke.exit()).as(revoke.err()).isZero();
        assertThat(revoke.out()).startsWith("revoked token " + m.group(2) + " of owner alice (at ");
        assertThat(table.out()).doesNotContain(m.group(1));
        assertThat(table.out().lines().toList()).hasSize(3);
        assertThat(table.out().lines().skip(1).toList()).satisfiesExactly(
                line -> assertThat(line).startsWith(m.group(2) + "  alice  no     revoked  "),
                line -> assertThat(line).contains("  bob    yes    active   "));
        JsonNode listed = JSON.readTree(aliceJson.out());
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("state").asText()).isEqualTo("revoked");
        assertThat(listed.get(0).get("revoked_at").isTextual()).isTrue();
        assertThat(stored(m.group(1)).stateAt(Instant.now())).isEqualTo(AccessToken.State.REVOKED);
    }

    @Test
    void revoking_an_unknown_id_exits_3_with_the_id() {
        CliRun run = corralCloud("token", "revoke", "--data", data, "0000000000000000");

        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.err()).isEqualTo("error: no access token has id '0000000000000000'\n");
    }

    @Test
    void token_commands_refuse_a_data_dir_that_is_not_initialised() {
        String other = tmp.resolve("typo").toString();
        CliRun run = corralCloud("token", "create", "--data", other, "--owner", "alice");

        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.err()).isEqualTo("error: data dir " + other + " is not initialised; run: corral-cloud init --data "
                + other + "\n");
    }
}
