package io.corral.cloud.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.cloud.storage.sqlite.SqliteStorage;
import io.corral.cloud.testkit.ApiClient.Response;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Particle's login over real HTTP: {@code POST /oauth/token}, {@code GET /v1/user}, Basic auth on tokens. */
class LoginApiTest extends ApiCloudTest {
    private static final String PASSWORD = "correct horse battery";
    private String botSecret;

    @BeforeEach
    void createUsers() {
        // As 'corral-cloud user create' and 'client create' next to the running cloud: another connection.
        try (SqliteStorage storage = SqliteStorage.open(dataDir)) {
            storage.users().create("alice", PASSWORD);
            storage.users().create("bob", PASSWORD);
            botSecret = "a secret of the bot, long enough";
            storage.users().createClient("ci-bot", botSecret, "alice");
            storage.users().createClient("no-owner", botSecret, null);
        }
    }

    private static String form(String... pairs) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            fields.put(pairs[i], pairs[i + 1]);
        }
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private Response login(String username, String password) {
        return api.postForm(null, "/oauth/token", form("grant_type", "password", "username", username,
                "password", password, "client_id", "particle-api", "client_secret", "particle-api"));
    }

    private static String basic(String name, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((name + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private Response withBasic(String method, String path, String authorization, String form) {
        HttpRequest.Builder request = api.request(null, path).header("Authorization", authorization);
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded");
        }
        return api.send(request.method(method, form == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(form)));
    }

    /** The OAuth error shape with Particle's ok: false; returns the description. */
    private static String oauthError(Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        JsonNode json = response.json();
        assertThat(json.get("ok").asBoolean(true)).isFalse();
        assertThat(json.get("error").asText()).as(response.body()).isEqualTo(code);
        return json.get("error_description").asText();
    }

    @Test
    void a_password_login_as_particle_api_js_sends_it_answers_particles_shape_with_a_working_token() {
        Response login = login("alice", PASSWORD);

        assertThat(login.status()).as(login.body()).isEqualTo(200);
        JsonNode json = login.json();
        assertThat(json.get("token_type").asText()).isEqualTo("bearer");
        String token = json.get("access_token").asText();
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        assertThat(json.get("expires_in").asLong()).isBetween(90L * 24 * 3600 - 2, 90L * 24 * 3600);
        assertThat(json.has("refresh_token")).isTrue();
        assertThat(login.raw().headers().firstValue("Cache-Control")).hasValue("no-store");
        Response user = api.get(token, "/v1/user");
        assertThat(user.status()).as(user.body()).isEqualTo(200);
        assertThat(user.json().get("username").asText()).isEqualTo("alice");
        assertThat(api.get(token, "/v1/devices").status()).isEqualTo(200);
        JsonNode listed = api.get(token, "/v1/access_tokens").json();
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("client").asText()).isEqualTo("particle-api");
    }

    @Test
    void the_client_may_come_in_basic_auth_and_expires_in_is_honoured_with_0_for_never() {
        Response never = withBasic("POST", "/oauth/token", basic("CLI2", "client_secret_here"),
                form("grant_type", "password", "username", "bob", "password", PASSWORD, "expires_in", "0"));
        Response minute = withBasic("POST", "/oauth/token", basic("CLI2", "client_secret_here"),
                form("grant_type", "password", "username", "bob", "password", PASSWORD, "expires_in", "60"));
        Response tooLong = login("bob", PASSWORD).status() == 200
                ? api.postForm(null, "/oauth/token", form("grant_type", "password", "username", "bob", "password",
                PASSWORD, "client_id", "particle-api", "expires_in", "-1")) : null;

        assertThat(never.status()).as(never.body()).isEqualTo(200);
        assertThat(never.json().get("expires_in").isNull()).isTrue();
        assertThat(minute.json().get("expires_in").asLong()).isBetween(59L, 60L);
        assertThat(oauthError(tooLong, 400, "invalid_request"))
                .isEqualTo("field 'expires_in' must be in [0, " + TokenRoutes.MAX_EXPIRES_IN_SECONDS
                        + "], was -1 (0 = never expires)");
    }

    @Test
    void a_wrong_password_and_an_unknown_user_get_the_same_invalid_grant() {
        String wrong = oauthError(login("alice", "not the password"), 400, "invalid_grant");
        String unknown = oauthError(login("carol", PASSWORD), 400, "invalid_grant");

        assertThat(wrong).isEqualTo("wrong username or password").isEqualTo(unknown);
    }

    @Test
    void clients_are_checked_unknown_ones_and_wrong_secrets_get_invalid_client() {
        Response unknown = api.postForm(null, "/oauth/token", form("grant_type", "password", "username", "alice",
                "password", PASSWORD, "client_id", "someone-else", "client_secret", "x"));
        Response missing = api.postForm(null, "/oauth/token", form("grant_type", "password", "username", "alice",
                "password", PASSWORD));
        Response wrongSecret = withBasic("POST", "/oauth/token", basic("ci-bot", "not its secret"),
                form("grant_type", "password", "username", "alice", "password", PASSWORD));
        Response registered = withBasic("POST", "/oauth/token", basic("ci-bot", botSecret),
                form("grant_type", "password", "username", "bob", "password", PASSWORD));

        assertThat(oauthError(unknown, 401, "invalid_client")).startsWith("client 'someone-else' is not accepted;")
                .contains("CLI2, particle-api").contains("auth.accepted-client-ids");
        assertThat(unknown.raw().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).startsWith("Basic"));
        assertThat(oauthError(missing, 401, "invalid_client")).startsWith("field 'client_id' is required");
        assertThat(oauthError(wrongSecret, 401, "invalid_client")).isEqualTo("wrong client secret for client 'ci-bot'");
        assertThat(registered.status()).as(registered.body()).isEqualTo(200);
    }

    @Test
    void client_credentials_issue_a_token_of_the_clients_owner_and_only_for_registered_clients_with_one() {
        Response bot = withBasic("POST", "/oauth/token", basic("ci-bot", botSecret), form("grant_type",
                "client_credentials"));
        Response noOwner = api.postForm(null, "/oauth/token", form("grant_type", "client_credentials",
                "client_id", "no-owner", "client_secret", botSecret));
        Response publicClient = api.postForm(null, "/oauth/token", form("grant_type", "client_credentials",
                "client_id", "particle-api", "client_secret", "particle-api"));

        assertThat(bot.status()).as(bot.body()).isEqualTo(200);
        String token = bot.json().get("access_token").asText();
        assertThat(api.get(token, "/v1/user").json().get("username").asText()).isEqualTo("alice");
        assertThat(oauthError(noOwner, 400, "unauthorized_client")).contains("has no owner");
        assertThat(oauthError(publicClient, 400, "unauthorized_client")).contains("is a public client");
    }

    @Test
    void bad_grants_are_refused_naming_the_field() {
        Response missing = api.postForm(null, "/oauth/token", form("username", "alice", "password", PASSWORD));
        Response unknown = api.postForm(null, "/oauth/token", form("grant_type", "authorization_code",
                "client_id", "particle-api"));
        Response noPassword = api.postForm(null, "/oauth/token", form("grant_type", "password", "username",
                "alice", "client_id", "particle-api"));
        Response extra = api.postForm(null, "/oauth/token", form("grant_type", "password", "colour", "red"));

        assertThat(oauthError(missing, 400, "invalid_request")).startsWith("field 'grant_type' is required");
        assertThat(oauthError(unknown, 400, "unsupported_grant_type"))
                .isEqualTo("field 'grant_type' must be password or client_credentials, was 'authorization_code'");
        assertThat(oauthError(noPassword, 400, "invalid_request"))
                .isEqualTo("fields 'username' and 'password' are required for grant_type password");
        assertThat(oauthError(extra, 400, "invalid_request")).startsWith("unknown field 'colour'");
    }

    @Test
    void guessing_is_throttled_per_username_and_per_address_with_retry_after() {
        for (int i = 0; i < LoginSettings.DEFAULTS.loginFailures(); i++) {
            oauthError(login("alice", "guess " + i), 400, "invalid_grant");
        }

        Response rightPassword = login("alice", PASSWORD);
        Response otherUser = login("bob", PASSWORD);
        Response basicToo = withBasic("GET", "/v1/access_tokens", basic("bob", PASSWORD), null);

        assertThat(oauthError(rightPassword, 429, "too_many_requests")).startsWith("too many failed logins");
        assertThat(rightPassword.raw().headers().firstValue("Retry-After")).hasValueSatisfying(
                v -> assertThat(Integer.parseInt(v)).isBetween(1, 60));
        // The same loopback address made the failures, so other names are throttled from it too.
        assertThat(oauthError(otherUser, 429, "too_many_requests")).isNotEmpty();
        assertThat(basicToo.status()).isEqualTo(429);
    }

    @Test
    void basic_auth_lists_and_revokes_a_users_tokens_as_particle_does() {
        String first = login("alice", PASSWORD).json().get("access_token").asText();
        login("alice", PASSWORD);

        Response list = withBasic("GET", "/v1/access_tokens", basic("alice", PASSWORD), null);
        Response wrong = withBasic("GET", "/v1/access_tokens", basic("alice", "wrong password"), null);

        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(list.json()).hasSize(2).allSatisfy(t -> {
            assertThat(t.get("token").asText()).matches("[0-9a-f]{16}").isEqualTo(t.get("id").asText());
            assertThat(t.get("client").asText()).isEqualTo("particle-api");
            assertThat(t.get("expires_at").asText()).isNotEmpty();
        });
        assertThat(wrong.error(401, "invalid_token")).isEqualTo("wrong username or password");
        Response revoked = withBasic("DELETE", "/v1/access_tokens/" + first, basic("alice", PASSWORD), null);
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(api.get(first, "/v1/user").error(401, "invalid_token")).contains("was revoked");
        Response current = withBasic("DELETE", "/v1/access_tokens/current", basic("alice", PASSWORD), null);
        assertThat(current.error(400, "invalid_request")).startsWith("'current' is the token of the request");
    }

    @Test
    void deleting_the_current_token_revokes_the_calling_token_and_then_it_gets_401() {
        String token = login("bob", PASSWORD).json().get("access_token").asText();

        Response deleted = api.delete(token, "/v1/access_tokens/current");

        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(api.get(token, "/v1/user").error(401, "invalid_token")).contains("was revoked");
    }
}
