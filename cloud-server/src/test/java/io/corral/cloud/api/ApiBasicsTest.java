package io.corral.cloud.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.cloud.registry.SqliteTokenStore;
import io.corral.cloud.registry.TokenStore;
import io.corral.cloud.testkit.ApiClient.Response;
import io.corral.cloud.testkit.ApiClient;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Health, authentication and the JSON shape of every error. */
class ApiBasicsTest extends ApiCloudTest {

    @Test
    void health_and_readiness_answer_without_a_token() {
        Response health = api.get(null, "/healthz");
        Response ready = api.get(null, "/readyz");

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("ok");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asText()).isEqualTo("ready");
    }

    @Test
    void unknown_routes_are_a_json_404_with_or_without_a_token() {
        assertThat(api.get(null, "/nope").error(404, "not_found")).isEqualTo("no such endpoint: GET /nope");
        assertThat(api.get(cloud.token("alice"), "/v1/nope/deeper").error(404, "not_found"))
                .isEqualTo("no such endpoint: GET /v1/nope/deeper");
    }

    @Test
    void a_request_jetty_rejects_before_any_route_is_a_json_error_too() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(cloud.cloud().httpAddress());
            socket.getOutputStream().write("GET /v1/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(response).startsWith("HTTP/1.1 400 ").contains("Content-Type: application/json");
            JsonNode body = ApiClient.JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
            assertThat(body.get("error").asText()).isEqualTo("invalid_request");
            assertThat(body.get("error_description").asText()).isNotBlank();
        }
    }

    @Test
    void a_method_a_route_does_not_take_is_a_json_405() {
        assertThat(api.delete(cloud.token("alice"), "/v1/devices").error(405, "method_not_allowed"))
                .isEqualTo("DELETE is not allowed on /v1/devices");
    }

    @Test
    void a_request_without_a_token_is_refused_saying_how_to_send_one() {
        Response response = api.get(null, "/v1/devices");

        assertThat(response.error(401, "invalid_token")).isEqualTo("no access token: send the header "
                + "'Authorization: Bearer TOKEN' (create one with: corral-cloud token create --owner NAME)");
        assertThat(response.raw().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                value -> assertThat(value).startsWith("Bearer realm=\"corral\""));
    }

    @Test
    void a_malformed_authorization_header_or_an_unknown_token_is_refused() {
        Response basic = api.send(api.request(null, "/v1/devices").header("Authorization", "Basic YWxpY2U6eA==").GET());
        Response unknown = api.get("A".repeat(43), "/v1/devices");

        assertThat(basic.error(401, "invalid_token")).isEqualTo("the Authorization header must be 'Bearer TOKEN'");
        assertThat(unknown.error(401, "invalid_token")).isEqualTo("the access token is not one this cloud issued");
    }

    @Test
    void the_token_may_also_come_as_an_access_token_parameter() {
        String token = cloud.token("alice");

        assertThat(api.get(null, "/v1/devices?access_token=" + token).status()).isEqualTo(200);
        assertThat(api.postForm(null, "/v1/devices/events", "name=x&access_token=" + token).status()).isEqualTo(200);
    }

    @Test
    void a_revoked_token_is_refused_even_when_revoked_by_another_process() {
        TokenStore.Issued issued = cloud.issue("alice", false, null);
        assertThat(api.get(issued.token(), "/v1/devices").status()).isEqualTo(200);

        try (SqliteTokenStore cli = SqliteTokenStore.open(dataDir)) {
            cli.revoke(issued.record().id());
        }

        assertThat(api.get(issued.token(), "/v1/devices").error(401, "invalid_token"))
                .startsWith("access token " + issued.record().id() + " was revoked at ");
    }

    @Test
    void an_expired_token_is_refused_saying_when_it_expired() throws Exception {
        TokenStore.Issued issued = cloud.issue("alice", false, Instant.now().plusSeconds(3600));
        // Move the expiry into the past in the database itself: no waiting, no clock tricks.
        Instant past = Instant.parse("2024-05-06T07:08:09Z");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("corral.db"));
             PreparedStatement update = c.prepareStatement("UPDATE access_tokens SET expires = ? WHERE id = ?")) {
            update.setLong(1, past.toEpochMilli());
            update.setString(2, issued.record().id());
            assertThat(update.executeUpdate()).isEqualTo(1);
        }

        assertThat(api.get(issued.token(), "/v1/devices").error(401, "invalid_token"))
                .isEqualTo("access token " + issued.record().id() + " expired at " + past + "; create a new one");
    }

    @Test
    void malformed_json_is_a_400_that_says_where_it_failed() {
        String token = cloud.token("alice");

        String description = api.post(token, "/v1/devices/events", "{\"name\": \"x\",\n \"data\": }").error(400, "invalid_request");

        assertThat(description).isEqualTo("malformed JSON at line 2, column 10: Unexpected character ('}' (code 125)): expected a value");
    }

    @Test
    void a_body_that_is_not_an_object_or_has_unknown_fields_is_a_400_naming_them() {
        String token = cloud.token("alice");

        assertThat(api.post(token, "/v1/devices/events", "[1]").error(400, "invalid_request"))
                .isEqualTo("request body must be a JSON object, was an array");
        assertThat(api.post(token, "/v1/devices/events", "{\"name\":\"x\",\"tll\":5}").error(400, "invalid_request"))
                .isEqualTo("unknown field 'tll'; this endpoint takes data, name, private, ttl");
        assertThat(api.post(token, "/v1/devices/events", "{\"name\":\"x\",\"ttl\":\"soon\"}").error(400, "invalid_request"))
                .isEqualTo("field 'ttl' must be an integer in [0, 31536000], was \"soon\"");
    }

    @Test
    void an_unsupported_content_type_is_a_415() {
        String token = cloud.token("alice");

        Response response = api.send(api.request(token, "/v1/devices/events").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("name=x")));

        assertThat(response.error(415, "unsupported_media_type")).isEqualTo("request body must be application/json or "
                + "application/x-www-form-urlencoded, was text/plain");
    }

    @Test
    void operations_endpoints_need_the_admin_scope() {
        assertThat(api.get(cloud.token("alice"), "/v1/ops/stats").error(403, "insufficient_scope"))
                .isEqualTo("GET /v1/ops/stats needs a token with the admin scope "
                        + "(corral-cloud token create --owner NAME --admin)");
        assertThat(api.stats(cloud.adminToken("ops")).get("requests").asLong()).isPositive();
    }
}
