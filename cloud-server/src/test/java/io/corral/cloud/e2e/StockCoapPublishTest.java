package io.corral.cloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.cloud.events.Event;
import io.corral.cloud.events.SystemEvents;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.IntegrationJson;
import io.corral.cloud.testkit.ApiClient;
import io.corral.cloud.testkit.HttpSink;
import io.corral.cloud.testkit.SseClient;
import io.corral.cloud.testkit.TestCloud;
import io.corral.device.DeviceCredentials;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libcoap's stock {@code coap-client} as a device that never says hello: a one-shot PSK publish gets an implied
 * hello and reaches an SSE stream and a webhook. Fails, rather than skips, when the tool is missing.
 */
class StockCoapPublishTest {
    @TempDir
    Path dataDir;
    private final HttpSink sink = HttpSink.start();
    private TestCloud cloud;

    @AfterEach
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
        sink.close();
    }

    @Test
    void a_one_shot_coap_client_publish_reaches_the_stream_and_a_webhook() throws Exception {
        cloud = TestCloud.builder().dataDir(dataDir).http().start();
        cloud.cloud().integrations().store().create("alice", IntegrationJson.parseSpec("""
                {"event": "", "type": "webhook", "webhook": {"url": "%s"}}""".formatted(sink.url("/all"))));
        DeviceCredentials credentials = cloud.pskCredentials("alice");
        SseClient stream = cloud.api().stream(cloud.token("alice"), "/v1/events");
        assertThat(stream.next()).containsExactly(":ok");

        coapClient(credentials, "-m", "post", "-e", "21.5",
                "coaps://127.0.0.1:" + cloud.coapAddress().getPort() + "/E/temp/kitchen");

        assertThat(data(stream.nextEvent(), "spark/status")).isEqualTo("online");
        assertThat(data(stream.nextEvent(), "temp/kitchen")).isEqualTo("21.5");
        // coap-client ends its DTLS session with close_notify as it exits: the implied session ends with it.
        assertThat(data(stream.nextEvent(), "spark/status")).isEqualTo("offline");
        // The integration on "" takes every device event but no system event, so its first delivery is the publish.
        HttpSink.Received hook = sink.next();
        assertThat(hook.form()).containsEntry("event", "temp/kitchen").containsEntry("data", "21.5")
                .containsEntry("coreid", credentials.deviceId());
    }

    @Test
    void integrations_take_system_events_only_when_their_prefix_names_spark() throws Exception {
        cloud = TestCloud.builder().dataDir(dataDir).start();
        Event status = SystemEvents.status("0123456789abcdef01234567", "alice", true);
        Event device = Event.create("status", new byte[0], 0, 60, "0123456789abcdef01234567", "alice");
        List<String> taking = new ArrayList<>();
        for (String prefix : List.of("", "s", "spar", "spark", "spark/", "spark/status")) {
            Integration integration = cloud.cloud().integrations().store().create("alice", IntegrationJson.parseSpec(
                    "{\"event\": \"%s\", \"type\": \"webhook\", \"webhook\": {\"url\": \"%s\"}}"
                            .formatted(prefix, sink.url("/x"))));
            if (integration.matches(status)) {
                taking.add(prefix);
            }
            assertThat(integration.matches(device)).isEqualTo("".equals(prefix) || "s".equals(prefix));
        }
        assertThat(taking).containsExactly("spark", "spark/", "spark/status");
    }

    private static String data(List<String> message, String expectedName) throws Exception {
        assertThat(message.get(0)).isEqualTo("event: " + expectedName);
        JsonNode json = ApiClient.JSON.readTree(message.get(1).substring("data: ".length()));
        return json.get("data").asText();
    }

    private static void coapClient(DeviceCredentials credentials, String... args) throws Exception {
        String output = StockCoapClientTest.coapClient(credentials, args);
        // A refusal (4.xx, 5.xx) is printed; a 2.04 has no payload, so the publish was acknowledged if nothing was.
        assertThat(output).as("coap-client output").doesNotContainPattern("[45]\\.\\d\\d");
    }
}
