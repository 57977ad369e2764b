package io.corral.cloud.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.cloud.Cloud;
import io.corral.cloud.integrations.IntegrationSettings;
import io.corral.cloud.integrations.delivery.RetryPolicy;
import io.corral.cloud.testkit.ApiClient;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.HttpSink;
import io.corral.cloud.testkit.HttpSink.Answer;
import io.corral.device.Device;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/integrations} over real HTTP: create, show, replace, pause, attempts, dead letters, replay and
 * delete, each with its JSON errors, and owner isolation. Events come from a real SDK device and go to a real
 * HTTP sink.
 */
class IntegrationApiTest extends ApiCloudTest {
    private final AtomicInteger status = new AtomicInteger(200);
    private HttpSink sink;
    private String alice;

    @Override
    Cloud.Builder configure(Cloud.Builder builder) {
        return builder.integrations(IntegrationSettings.builder().pollInterval(Duration.ofMillis(50))
                .retry(new RetryPolicy(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMinutes(5))).build());
    }

    @BeforeEach
    void sinkAndToken() {
        sink = HttpSink.start();
        sink.respondWith(r -> new Answer(status.get(), "", Duration.ZERO));
        alice = cloud.token("alice");
    }

    @AfterEach
    void closeSink() {
        sink.close();
    }

    private String webhook(String event) {
        return """
                {"name": "to the sink", "event": "%s", "type": "webhook",
                 "webhook": {"url": "%s", "auth": {"username": "u", "password": "secret"}}}"""
                .formatted(event, sink.url("/in"));
    }

    private JsonNode created(String token, String body) {
        ApiClient.Response response = api.post(token, "/v1/integrations", body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    private Device device() {
        Device device = cloud.device(api.provision(alice, "{\"auth\":\"psk\"}"));
        device.connect();
        return device;
    }

    @Test
    void create_show_list_replace_and_delete() {
        JsonNode hook = created(alice, webhook("temp"));
        String id = hook.get("id").asText();
        assertThat(id).matches("int_[0-9a-f]{16}");
        assertThat(hook.get("owner").asText()).isEqualTo("alice");
        assertThat(hook.get("webhook").get("auth").get("password").asText()).as("secrets are never shown")
                .isEqualTo("********");
        assertThat(hook.get("queue").get("pending").asInt()).isZero();
        assertThat(hook.get("paused").asBoolean()).isFalse();

        assertThat(api.get(alice, "/v1/integrations/" + id).json().get("name").asText()).isEqualTo("to the sink");
        assertThat(api.get(alice, "/v1/integrations").json()).extracting(i -> i.get("id").asText()).containsExactly(id);

        String replacement = hook.deepCopy().toString().replace("\"temp\"", "\"humidity\"");
        ApiClient.Response replaced = api.put(alice, "/v1/integrations/" + id, stripView(replacement));
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        assertThat(replaced.json().get("event").asText()).isEqualTo("humidity");
        assertThat(replaced.json().get("version").asInt()).isEqualTo(2);
        assertThat(cloud.cloud().integrations().store().find(id).orElseThrow().spec().target())
                .extracting("password").as("a redacted password sent back keeps the stored one").isEqualTo("secret");

        assertThat(api.delete(alice, "/v1/integrations/" + id).status()).isEqualTo(200);
        assertThat(api.get(alice, "/v1/integrations/" + id).error(404, "not_found"))
                .isEqualTo("no integration '" + id + "' among the integrations of alice");
    }

    /** What GET shows but PUT does not take. */
    private static String stripView(String json) {
        try {
            var node = (ObjectNode) ApiClient.JSON.readTree(json);
            node.remove(List.of("id", "owner", "paused", "version", "created", "updated", "queue"));
            return node.toString();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void a_bad_setting_is_a_400_naming_the_field() {
        assertThat(api.post(alice, "/v1/integrations", webhook("temp").replace(sink.url("/in"), "ftp://x"))
                .error(400, "invalid_request")).isEqualTo("webhook.url: must start with http:// or https://, was 'ftp://x'");
        assertThat(api.post(alice, "/v1/integrations", webhook("temp").replace("/in", "/{{PARTICLE_EVENT_NAME"))
                .error(400, "invalid_request")).isEqualTo("webhook.url: invalid mustache template: tag "
                + "'{{PARTICLE_EVENT_NAME' at character " + sink.url("/").length() + " is not closed with }}");
        assertThat(api.post(alice, "/v1/integrations", "{\"event\": \"t\", \"type\": \"mqtt\", \"mqtt\": "
                + "{\"broker\": \"tcp://b\", \"topic\": \"t\", \"qos\": 5}}").error(400, "invalid_request"))
                .isEqualTo("mqtt.qos: must be 0, 1 or 2, was 5");
        assertThat(api.post(alice, "/v1/integrations", "[]").error(400, "invalid_request"))
                .isEqualTo("request body must be a JSON object with the integration's settings");
        assertThat(api.postForm(alice, "/v1/integrations", "event=t").error(415, "unsupported_media_type"))
                .isEqualTo("an integration is sent as application/json, was application/x-www-form-urlencoded");
        assertThat(api.get(alice, "/v1/integrations")).extracting(r -> r.json().size()).isEqualTo(0);
    }

    @Test
    void another_owners_integration_is_not_found_and_acting_for_another_owner_needs_admin() {
        String id = created(alice, webhook("temp")).get("id").asText();
        String bob = cloud.token("bob");
        for (ApiClient.Response response : List.of(api.get(bob, "/v1/integrations/" + id),
                api.put(bob, "/v1/integrations/" + id, webhook("x")), api.delete(bob, "/v1/integrations/" + id),
                api.get(bob, "/v1/integrations/" + id + "/attempts"),
                api.get(bob, "/v1/integrations/" + id + "/dead_letters"),
                api.post(bob, "/v1/integrations/" + id + "/dead_letters/replay", ""),
                api.post(bob, "/v1/integrations/" + id + "/pause", ""))) {
            assertThat(response.error(404, "not_found")).isEqualTo("no integration '" + id
                    + "' among the integrations of bob");
        }
        assertThat(api.get(bob, "/v1/integrations").json()).isEmpty();
        assertThat(api.post(bob, "/v1/integrations", webhook("t").replace("{\"name\"", "{\"owner\": \"alice\", \"name\""))
                .error(403, "insufficient_scope")).startsWith("acting for owner 'alice' needs a token with the admin");
        String admin = cloud.adminToken("root");
        JsonNode forAlice = created(admin, webhook("t").replace("{\"name\"", "{\"owner\": \"alice\", \"name\""));
        assertThat(forAlice.get("owner").asText()).isEqualTo("alice");
        assertThat(api.get(admin, "/v1/integrations?owner=alice").json()).hasSize(2);
    }

    @Test
    void attempts_dead_letters_and_replay() {
        status.set(410);
        String id = created(alice, webhook("temp")).get("id").asText();
        Device device = device();
        device.publish("temp", "21.5").join();
        Await.until("a dead letter", () -> api.get(alice, "/v1/integrations/" + id + "/dead_letters").json().size() == 1);

        JsonNode dead = api.get(alice, "/v1/integrations/" + id + "/dead_letters").json().get(0);
        assertThat(dead.get("event_name").asText()).isEqualTo("temp");
        assertThat(dead.get("device_id").asText()).isEqualTo(device.id());
        assertThat(dead.get("last_status").asInt()).isEqualTo(410);
        assertThat(dead.get("last_error").asText()).isEqualTo("HTTP 410 Gone");
        JsonNode attempt = api.get(alice, "/v1/integrations/" + id + "/attempts?limit=5").json().get(0);
        assertThat(attempt.get("outcome").asText()).isEqualTo("dead");
        assertThat(attempt.get("status").asInt()).isEqualTo(410);
        assertThat(attempt.get("event_id").asText()).isEqualTo(dead.get("event_id").asText());
        assertThat(api.get(alice, "/v1/integrations/" + id + "/attempts?limit=0").error(400, "invalid_request"))
                .isEqualTo("query parameter 'limit' must be an integer in [1, 1000], was '0'");

        status.set(200);
        String replayPath = "/v1/integrations/" + id + "/dead_letters/" + dead.get("id").asLong() + "/replay";
        assertThat(api.post(alice, replayPath, "").json().get("replayed").asInt()).isEqualTo(1);
        Await.until("delivered", () -> sink.eventIds().containsKey(dead.get("event_id").asText()));
        // The sink sees the request before the worker records its success; only then is the delivery gone.
        Await.until("the delivery marked done", () -> queueSize(id) == 0);
        assertThat(api.post(alice, replayPath, "").error(404, "not_found"))
                .isEqualTo("integration " + id + " has no delivery " + dead.get("id").asLong()
                        + " (delivered ones are not kept)");
    }

    private int queueSize(String id) {
        JsonNode queue = api.get(alice, "/v1/integrations/" + id).json().get("queue");
        return queue.get("pending").asInt() + queue.get("leased").asInt() + queue.get("paused").asInt()
                + queue.get("dead").asInt();
    }

    @Test
    void pause_holds_deliveries_and_resume_sends_them() {
        String id = created(alice, webhook("temp")).get("id").asText();
        JsonNode paused = api.post(alice, "/v1/integrations/" + id + "/pause", "").json();
        assertThat(paused.get("paused").asBoolean()).isTrue();
        Device device = device();
        device.publish("temp", "held").join();
        assertThat(api.get(alice, "/v1/integrations/" + id).json().get("queue").get("paused").asInt()).isEqualTo(1);

        assertThat(api.post(alice, "/v1/integrations/" + id + "/resume", "").json().get("paused").asBoolean()).isFalse();
        Await.until("delivered after resume", () -> sink.eventIds().size() == 1);
    }

    @Test
    void an_event_published_through_the_api_reaches_the_integration_and_the_ops_counters() {
        created(alice, webhook("from-api"));
        assertThat(api.post(alice, "/v1/devices/events", "{\"name\": \"from-api\", \"data\": \"hi\"}").status())
                .isEqualTo(200);
        Await.until("delivered", () -> sink.eventIds().size() == 1);

        assertThat(api.get(alice, "/v1/ops/integrations").error(403, "insufficient_scope"))
                .startsWith("GET /v1/ops/integrations needs a token with the admin scope");
        String admin = cloud.adminToken("root");
        Await.until("counted", () -> api.get(admin, "/v1/ops/integrations").json().get("stats").get("delivered")
                .asInt() == 1);
        JsonNode ops = api.get(admin, "/v1/ops/integrations").json();
        assertThat(ops.get("stats").get("deliveries_queued").asInt()).isEqualTo(1);
        assertThat(ops.get("queue").get("pending").asInt()).isZero();
        assertThat(api.get(null, "/metrics").body())
                .contains("corral_integrations_deliveries_outcome_total{outcome=\"delivered\"} 1.0")
                .contains("corral_integrations_deliveries_queued_total 1.0")
                .contains("corral_fd_shedding 0.0");
    }
}
