package io.corral.cloud.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.cloud.registry.TokenStore;
import io.corral.cloud.testkit.ApiClient.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /v1/access_tokens}: create, list and revoke, and who may do what. */
class TokenApiTest extends ApiCloudTest {
    private String alice;

    @BeforeEach
    void issueToken() {
        alice = cloud.token("alice");
    }

    @Test
    void a_created_token_works_and_is_not_stored_in_clear() throws Exception {
        Response created = api.post(alice, "/v1/access_tokens", "{\"expires_in\": 3600}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode json = created.json();
        String token = json.get("access_token").asText();
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        assertThat(json.get("token_type").asText()).isEqualTo("bearer");
        assertThat(json.get("expires_in").asLong()).isBetween(3599L, 3600L);
        assertThat(json.get("owner").asText()).isEqualTo("alice");
        assertThat(json.get("admin").asBoolean()).isFalse();
        assertThat(api.get(token, "/v1/devices").status()).isEqualTo(200);
        cloud.close();
        String database = Files.readString(dataDir.resolve("corral.db"), StandardCharsets.ISO_8859_1)
                + (Files.exists(dataDir.resolve("corral.db-wal"))
                ? Files.readString(dataDir.resolve("corral.db-wal"), StandardCharsets.ISO_8859_1) : "");
        assertThat(database).contains(json.get("id").asText()).doesNotContain(token).doesNotContain(alice);
    }

    @Test
    void tokens_are_listed_by_id_and_state_without_their_text() {
        api.post(alice, "/v1/access_tokens", "{}");
        cloud.token("bob");

        JsonNode list = api.get(alice, "/v1/access_tokens").json();

        assertThat(list).hasSize(2);
        assertThat(list).allSatisfy(t -> {
            assertThat(t.get("owner").asText()).isEqualTo("alice");
            assertThat(t.get("state").asText()).isEqualTo("active");
            assertThat(t.has("access_token")).isFalse();
        });
        assertThat(list.toString()).doesNotContain(alice);
    }

    @Test
    void a_token_is_revoked_by_id_by_its_text_or_as_current() {
        TokenStore.Issued byId = cloud.issue("alice", false, null);
        TokenStore.Issued byText = cloud.issue("alice", false, null);
        TokenStore.Issued current = cloud.issue("alice", false, null);

        Response first = api.delete(alice, "/v1/access_tokens/" + byId.record().id());
        Response second = api.delete(alice, "/v1/access_tokens/" + byText.token());
        Response third = api.delete(current.token(), "/v1/access_tokens/current");

        assertThat(first.json().get("ok").asBoolean()).isTrue();
        assertThat(second.json().get("id").asText()).isEqualTo(byText.record().id());
        assertThat(third.status()).isEqualTo(200);
        for (TokenStore.Issued revoked : new TokenStore.Issued[] {byId, byText, current}) {
            assertThat(api.get(revoked.token(), "/v1/devices").error(401, "invalid_token")).contains("was revoked at");
        }
        assertThat(api.get(alice, "/v1/devices").status()).isEqualTo(200);
    }

    @Test
    void a_token_in_the_path_revokes_itself_without_other_credentials() {
        TokenStore.Issued held = cloud.issue("alice", false, null);
        TokenStore.Issued other = cloud.issue("alice", false, null);

        Response revoked = api.delete(null, "/v1/access_tokens/" + held.token());
        Response byIdAlone = api.delete(null, "/v1/access_tokens/" + other.record().id());
        Response currentAlone = api.delete(null, "/v1/access_tokens/current");

        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.json().get("id").asText()).isEqualTo(held.record().id());
        assertThat(api.get(held.token(), "/v1/devices").error(401, "invalid_token")).contains("was revoked at");
        // An id is no secret, so it proves nothing: without a token the request is refused, and the token lives.
        assertThat(byIdAlone.error(401, "invalid_token")).isEqualTo("the access token is not one this cloud issued");
        assertThat(currentAlone.error(401, "invalid_token")).startsWith("no access token");
        assertThat(api.get(other.token(), "/v1/devices").status()).isEqualTo(200);
    }

    @Test
    void only_admin_tokens_create_admin_tokens_or_tokens_of_other_owners() {
        String admin = cloud.adminToken("ops");

        assertThat(api.post(alice, "/v1/access_tokens", "{\"admin\": true}").error(403, "insufficient_scope"))
                .startsWith("creating a token with the admin scope needs a token with the admin scope");
        assertThat(api.post(alice, "/v1/access_tokens", "{\"owner\": \"bob\"}").error(403, "insufficient_scope"))
                .isEqualTo("acting for owner 'bob' needs a token with the admin scope; this token belongs to 'alice'");
        Response forBob = api.post(admin, "/v1/access_tokens", "{\"owner\": \"bob\", \"admin\": false}");
        assertThat(forBob.status()).isEqualTo(201);
        assertThat(forBob.json().get("owner").asText()).isEqualTo("bob");
    }

    @Test
    void a_token_cannot_create_a_token_that_outlives_it() {
        String shortLived = cloud.issue("alice", false, Instant.now().plusSeconds(600)).token();

        String description = api.post(shortLived, "/v1/access_tokens", "{\"expires_in\": 86400}").error(400, "invalid_request");
        Response inherited = api.post(shortLived, "/v1/access_tokens", "{}");

        assertThat(description).startsWith("field 'expires_in' must be at most ")
                .contains("seconds: a token cannot outlive the token that creates it (expires at ");
        assertThat(inherited.json().get("expires_in").asLong()).isBetween(590L, 600L);
    }

    @Test
    void expires_in_out_of_range_is_a_400_with_the_range() {
        assertThat(api.post(alice, "/v1/access_tokens", "{\"expires_in\": 0}").error(400, "invalid_request"))
                .isEqualTo("field 'expires_in' must be in [1, 315360000], was 0");
    }

    @Test
    void revoking_an_unknown_token_is_a_404() {
        assertThat(api.delete(alice, "/v1/access_tokens/0000000000000000").error(404, "not_found"))
                .isEqualTo("no access token '0000000000000000' of owner alice");
    }
}
