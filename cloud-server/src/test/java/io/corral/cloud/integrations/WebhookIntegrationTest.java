package io.corral.cloud.integrations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.cloud.integrations.delivery.RetryPolicy;
import io.corral.cloud.integrations.model.Attempt;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.IntegrationJson;
import io.corral.cloud.integrations.queue.DeliveryQueue;
import io.corral.cloud.integrations.queue.QueuedDelivery;
import io.corral.cloud.integrations.store.IntegrationStore;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.HttpSink;
import io.corral.cloud.testkit.HttpSink.Answer;
import io.corral.cloud.testkit.TestCloud;
import io.corral.cloud.testkit.TestDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.Code;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A device publishes over DTLS; the cloud delivers to a real HTTP server in the test. */
class WebhookIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fast retries, so a test sees a retry without waiting 5 s. */
    static final IntegrationSettings FAST = IntegrationSettings.builder()
            .retry(new RetryPolicy(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMinutes(10)))
            .pollInterval(Duration.ofMillis(50)).circuitBreaker(1_000, Duration.ofMillis(50), Duration.ofMillis(100))
            .build();

    @TempDir
    Path dataDir;
    private HttpSink sink;
    private TestCloud cloud;
    private TestDevice device;

    @BeforeEach
    void start() throws Exception {
        sink = HttpSink.start();
        cloud = TestCloud.builder().dataDir(dataDir)
                .limits(TestCloud.UNLIMITED).configure(b -> b.integrations(FAST)).start();
        device = cloud.pskDevice("alice");
        device.hello();
    }

    @AfterEach
    void stop() {
        cloud.close();
        sink.close();
    }

    private Integration create(String json) {
        return cloud.cloud().integrations().store().create("alice", IntegrationJson.parseSpec(json));
    }

    private void publish(String name, String data) throws Exception {
        CoapResponse response = device.publish(name, data);
        assertThat(response.getCode()).as(response.getResponseText()).isEqualTo(ResponseCode.CHANGED);
    }

    @Test
    void the_default_body_is_the_form_of_event_data_coreid_and_published_at() throws Exception {
        create("""
                {"event": "temp", "type": "webhook", "webhook": {"url": "%s",
                 "headers": {"X-Device": "{{PARTICLE_DEVICE_ID}}"}, "query": {"name": "{{CORRAL_EVENT_NAME}}"},
                 "auth": {"username": "hook", "password": "s3cret"}}}""".formatted(sink.url("/in")));
        publish("temp/kitchen", "21.5");

        HttpSink.Received r = sink.next();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/in");
        assertThat(r.query()).isEqualTo("name=temp%2Fkitchen");
        assertThat(r.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        Map<String, String> form = r.form();
        assertThat(form).containsOnlyKeys("event", "data", "coreid", "published_at");
        assertThat(form).containsEntry("event", "temp/kitchen").containsEntry("data", "21.5")
                .containsEntry("coreid", device.id());
        assertThat(form.get("published_at")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(r.header("X-Device")).isEqualTo(device.id());
        assertThat(r.header("Authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString("hook:s3cret".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.eventId()).matches("[0-9a-f]{16}");
        assertThat(r.header("X-Corral-Attempt")).isEqualTo("1");
    }

    @Test
    void a_json_template_renders_each_string_leaf_and_keeps_the_json_valid() throws Exception {
        create("""
                {"event": "temp", "type": "webhook", "webhook": {"url": "%s", "method": "PUT",
                 "json": {"value": "{{PARTICLE_EVENT_VALUE}}", "device": "{{PARTICLE_DEVICE_ID}}",
                          "celsius": "{{celsius}}", "fixed": 1, "list": ["{{PARTICLE_EVENT_NAME}}", true]}}}"""
                .formatted(sink.url("/json")));
        publish("temp", "{\"celsius\": 21.5, \"note\": \"say \\\"hi\\\"\"}");

        HttpSink.Received r = sink.next();
        assertThat(r.method()).isEqualTo("PUT");
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("value").asText()).isEqualTo("{\"celsius\": 21.5, \"note\": \"say \\\"hi\\\"\"}");
        assertThat(body.get("device").asText()).isEqualTo(device.id());
        assertThat(body.get("celsius").asText()).isEqualTo("21.5");
        assertThat(body.get("fixed").asInt()).isEqualTo(1);
        assertThat(body.get("list").get(0).asText()).isEqualTo("temp");
        assertThat(body.get("list").get(1).asBoolean()).isTrue();
    }

    @Test
    void a_form_template_is_url_encoded() throws Exception {
        create("""
                {"event": "temp", "type": "webhook", "webhook": {"url": "%s",
                 "form": {"reading": "{{PARTICLE_EVENT_VALUE}} C", "id": "{{PARTICLE_EVENT_ID}}"}}}"""
                .formatted(sink.url("/form")));
        publish("temp", "21.5 & rising");

        HttpSink.Received r = sink.next();
        assertThat(r.form()).isEqualTo(Map.of("reading", "21.5 & rising C", "id", r.eventId()));
    }

    @Test
    void a_body_template_is_sent_as_rendered_with_the_integrations_content_type() throws Exception {
        create("""
                {"event": "temp", "type": "webhook", "webhook": {"url": "%s",
                 "headers": {"Content-Type": "application/xml"},
                 "body": "<r d=\\"{{PARTICLE_DEVICE_ID}}\\">{{PARTICLE_EVENT_VALUE}}</r>"}}"""
                .formatted(sink.url("/body")));
        publish("temp", "21.5");

        HttpSink.Received r = sink.next();
        assertThat(r.header("Content-Type")).startsWith("application/xml");
        assertThat(r.body()).isEqualTo("<r d=\"" + device.id() + "\">21.5</r>");
    }

    @Test
    void a_get_webhook_sends_the_default_fields_as_query_and_the_url_may_hold_templates() throws Exception {
        create("""
                {"event": "temp", "type": "webhook", "webhook": {"method": "GET",
                 "url": "%s/{{PARTICLE_DEVICE_ID}}/{{PARTICLE_EVENT_NAME}}/{{PARTICLE_EVENT_VALUE}}"}}"""
                .formatted(sink.url("/d")));
        publish("temp/kitchen", "21 C");

        HttpSink.Received r = sink.next();
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.path()).isEqualTo("/d/" + device.id() + "/temp/kitchen/21 C");
        assertThat(r.form()).containsEntry("event", "temp/kitchen").containsEntry("data", "21 C");
    }

    @Test
    void only_matching_events_of_the_owner_are_sent() throws Exception {
        create("""
                {"event": "temp", "device": "%s", "type": "webhook", "webhook": {"url": "%s"}}"""
                .formatted(device.id(), sink.url("/in")));
        TestDevice sibling = cloud.pskDevice("alice");
        sibling.hello();
        TestDevice stranger = cloud.pskDevice("bob");
        stranger.hello();
        publish("humidity", "no: other prefix");
        assertThat(sibling.publish("temp", "no: other device").getCode()).isEqualTo(ResponseCode.CHANGED);
        assertThat(stranger.publish("temp", "no: other owner").getCode()).isEqualTo(ResponseCode.CHANGED);
        publish("temperature", "yes");

        assertThat(sink.next().form()).containsEntry("data", "yes");
        assertThat(cloud.cloud().integrations().stats().deliveriesQueued()).isEqualTo(1);
    }

    @Test
    void the_response_comes_back_in_chunks_to_the_publishing_device_only_with_hook_sent() throws Exception {
        String answer = "x".repeat(700);
        sink.respondWith(r -> Answer.ok(answer));
        create("""
                {"event": "ask", "type": "webhook", "webhook": {"url": "%s"}}""".formatted(sink.url("/ask")));
        assertThat(device.put("e/hook-", "").getCode()).isEqualTo(ResponseCode.CREATED);
        TestDevice sibling = cloud.pskDevice("alice");
        sibling.hello();
        assertThat(sibling.put("e/hook-", "").getCode()).isEqualTo(ResponseCode.CREATED);

        publish("ask", "weather?");

        Map<String, String> got = new TreeMap<>();
        for (int i = 0; i < 3; i++) {
            Request delivery = device.nextDelivery();
            assertThat(delivery).as("delivery " + i).isNotNull();
            got.put(String.join("/", delivery.getOptions().getUriPath()), delivery.getPayloadString());
        }
        assertThat(got).containsOnlyKeys("E/hook-sent/ask", "E/hook-response/ask/0", "E/hook-response/ask/1");
        assertThat(got.get("E/hook-response/ask/0")).hasSize(512);
        assertThat(got.get("E/hook-response/ask/1")).hasSize(700 - 512);
        assertThat(sibling.pendingDeliveries()).as("a sibling never sees another device's hook events").isEmpty();
    }

    @Test
    void a_server_error_is_retried_and_the_attempts_log_says_what_happened() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        sink.respondWith(r -> calls.incrementAndGet() <= 2 ? new Answer(503, "busy", Duration.ZERO) : Answer.ok("ok"));
        Integration hook = create("""
                {"event": "temp", "type": "webhook", "webhook": {"url": "%s"}}""".formatted(sink.url("/in")));
        assertThat(device.put("e/hook-error/", "").getCode()).isEqualTo(ResponseCode.CREATED);
        publish("temp", "1");

        List<HttpSink.Received> tries = List.of(sink.next(), sink.next(), sink.next());
        assertThat(tries).extracting(r -> r.header("X-Corral-Attempt")).containsExactly("1", "2", "3");
        assertThat(tries).extracting(HttpSink.Received::eventId).containsOnly(tries.get(0).eventId());
        Request error = device.nextDelivery();
        assertThat(String.join("/", error.getOptions().getUriPath())).isEqualTo("E/hook-error/temp");
        assertThat(error.getPayloadString()).startsWith("HTTP 503");

        Await.until("the success is logged", () -> cloud.cloud().integrations().queue()
                .recentAttempts(hook.id(), 10).size() == 3);
        List<Attempt> attempts = cloud.cloud().integrations().queue().recentAttempts(hook.id(), 10);
        assertThat(attempts).extracting(Attempt::outcome).containsExactly(Attempt.Outcome.DELIVERED,
                Attempt.Outcome.RETRY, Attempt.Outcome.RETRY);
        assertThat(attempts).extracting(Attempt::status).containsExactly(200, 503, 503);
        assertThat(attempts.get(1).error()).isEqualTo("HTTP 503 Service Unavailable: busy");
        assertThat(cloud.cloud().integrations().stats().retried()).isEqualTo(2);
    }

    @Test
    void a_client_error_is_a_dead_letter_at_once_and_a_replay_delivers_it() throws Exception {
        AtomicInteger status = new AtomicInteger(404);
        sink.respondWith(r -> new Answer(status.get(), "", Duration.ZERO));
        Integration hook = create("""
                {"event": "temp", "type": "webhook", "webhook": {"url": "%s"}}""".formatted(sink.url("/gone")));
        publish("temp", "1");
        sink.next();
        DeliveryQueue queue = cloud.cloud().integrations().queue();
        Await.until("the delivery is a dead letter", () -> queue.counts(hook.id()).dead() == 1);
        QueuedDelivery dead = queue.deadLetters(hook.id(), 10).get(0);
        assertThat(dead.lastStatus()).isEqualTo(404);
        assertThat(dead.lastError()).isEqualTo("HTTP 404 Not Found");

        status.set(200);
        queue.replay(hook.id(), dead.id());
        HttpSink.Received replayed = sink.next();
        assertThat(replayed.eventId()).isEqualTo(dead.eventId());
        Await.until("the queue is empty", () -> queue.counts(hook.id()).total() == 0);
    }

    @Test
    void a_paused_integration_keeps_events_and_sends_them_on_resume() throws Exception {
        Integration hook = create("""
                {"event": "temp", "type": "webhook", "webhook": {"url": "%s"}}""".formatted(sink.url("/in")));
        IntegrationStore store = cloud.cloud().integrations().store();
        store.setPaused(hook.id(), true);
        publish("temp", "held");
        assertThat(cloud.cloud().integrations().queue().counts(hook.id()).paused()).isEqualTo(1);
        assertThat(sink.pending()).isEmpty();

        store.setPaused(hook.id(), false);
        assertThat(sink.next().form()).containsEntry("data", "held");
    }

    @Test
    void a_disabled_integration_queues_nothing() throws Exception {
        Integration hook = create("""
                {"event": "temp", "enabled": false, "type": "webhook", "webhook": {"url": "%s"}}"""
                .formatted(sink.url("/in")));
        publish("temp", "1");
        assertThat(cloud.cloud().integrations().queue().counts(hook.id()).total()).isZero();
    }

    @Test
    void publishing_binary_data_reaches_the_webhook_unchanged_in_the_body_template() throws Exception {
        create("""
                {"event": "raw", "type": "webhook", "webhook": {"url": "%s", "body": "{{{PARTICLE_EVENT_VALUE}}}"}}"""
                .formatted(sink.url("/raw")));
        CoapResponse response = device.request(Code.POST, "E/raw",
                "plain text".getBytes(StandardCharsets.UTF_8),
                options -> options.setContentFormat(MediaTypeRegistry.TEXT_PLAIN));
        assertThat(response.getCode()).isEqualTo(ResponseCode.CHANGED);
        assertThat(sink.next().body()).isEqualTo("plain text");
    }
}
