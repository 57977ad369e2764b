package io.corral.cloud.coap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.cloud.testkit.ApiClient;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.SseClient;
import io.corral.cloud.testkit.TestCloud;
import io.corral.cloud.testkit.TestDevice;
import io.corral.protocol.CorralProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spark/status} online and offline, on SSE streams and to subscribed devices, and implied hellos. */
class SystemEventsTest {
    @TempDir
    Path dataDir;
    private TestCloud cloud;
    private String alice;

    @BeforeEach
    void start() {
        // The shortest keepalive the cloud allows, so the keepalive watch ends a silent session within 15 s.
        cloud = TestCloud.builder().dataDir(dataDir).http().configure(b -> b.keepaliveSeconds(5)).start();
        alice = cloud.token("alice");
    }

    @AfterEach
    void stop() {
        cloud.close();
    }

    private SseClient openStream() throws InterruptedException {
        SseClient stream = cloud.api().stream(alice, "/v1/events");
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.next()).containsExactly(":ok");
        return stream;
    }

    /** Asserts the stream's next event is {@code spark/status} of this device with this data, shaped as any event. */
    private static void expectStatus(SseClient stream, String deviceId, String data) throws Exception {
        List<String> message = stream.nextEvent();
        assertThat(message.get(0)).isEqualTo("event: spark/status");
        JsonNode json = ApiClient.JSON.readTree(message.get(1).substring("data: ".length()));
        assertThat(json.fieldNames()).toIterable().containsExactly("data", "ttl", "published_at", "coreid");
        assertThat(json.get("data").asText()).isEqualTo(data);
        assertThat(json.get("coreid").asText()).isEqualTo(deviceId);
        assertThat(Instant.parse(json.get("published_at").asText())).isBefore(Instant.now().plusSeconds(1));
    }

    /** A device of alice's that said hello, once its {@code online} is on the stream. */
    private TestDevice helloSeenOn(SseClient stream) throws Exception {
        TestDevice device = cloud.pskDevice("alice");
        device.hello();
        expectStatus(stream, device.id(), "online");
        return device;
    }

    @Test
    void hello_and_goodbye_put_spark_status_online_and_offline_on_the_owners_stream() throws Exception {
        SseClient stream = openStream();
        TestDevice device = helloSeenOn(stream);

        CoapResponse bye = device.post(CorralProfile.PATH_GOODBYE, "{\"reason\":\"test\"}");
        assertThat(bye.getCode()).isEqualTo(ResponseCode.CHANGED);
        expectStatus(stream, device.id(), "offline");
    }

    @Test
    void a_stream_of_another_owner_hears_no_status_of_alices_devices() throws Exception {
        SseClient bobs = cloud.api().stream(cloud.token("bob"), "/v1/events");
        assertThat(bobs.next()).containsExactly(":ok");
        SseClient alices = openStream();
        TestDevice aliceDevice = cloud.pskDevice("alice");
        aliceDevice.hello();
        TestDevice bobDevice = cloud.pskDevice("bob");
        bobDevice.hello();
        expectStatus(bobs, bobDevice.id(), "online");

        // Bob's status was routed before this marker, so on alice's stream it would come before the marker.
        aliceDevice.publish("marker", "m");
        expectStatus(alices, aliceDevice.id(), "online");
        assertThat(alices.nextEvent().get(0)).isEqualTo("event: marker");
    }

    @Test
    void a_device_that_goes_silent_goes_offline_after_three_keepalives() throws Exception {
        SseClient stream = openStream();
        TestDevice device = helloSeenOn(stream);

        // The test device never pings by itself: after 3 x 5 s of silence the keepalive watch ends its session.
        Await.until("the silent device is offline", () -> !cloud.cloud().sessions().isOnline(device.id()),
                Duration.ofSeconds(60));
        expectStatus(stream, device.id(), "offline");
    }

    @Test
    void a_keepalive_ping_counts_as_hearing_from_the_device() throws Exception {
        TestDevice device = cloud.pskDevice("alice");
        device.hello();
        LiveSession session = cloud.cloud().sessions().find(device.id()).orElseThrow();
        long before = session.lastHeardNanos();
        long limit = TimeUnit.SECONDS.toNanos(15);

        Await.until("a ping is heard", () -> device.ping() && session.lastHeardNanos() != before);

        // Silent for as long as the limit since the ping, but not longer: still online; a moment later, not.
        cloud.cloud().sessions().expireSilent(session.lastHeardNanos() + limit, limit);
        assertThat(cloud.cloud().sessions().isOnline(device.id())).isTrue();
        assertThat(cloud.cloud().sessions().expireSilent(session.lastHeardNanos() + limit + 1, limit)).isEqualTo(1);
        assertThat(cloud.cloud().sessions().isOnline(device.id())).isFalse();
    }

    @Test
    void a_device_subscribed_to_spark_hears_its_siblings_come_and_go() throws Exception {
        TestDevice watcher = cloud.pskDevice("alice");
        watcher.hello();
        assertThat(watcher.put("e/spark/", "").getCode()).isEqualTo(ResponseCode.CREATED);
        TestDevice sibling = cloud.pskDevice("alice");
        cloud.pskDevice("bob").hello(); // another owner's device: never delivered to alice's

        sibling.hello();
        assertDelivery(watcher.nextDelivery(), sibling.id(), "online");
        sibling.post(CorralProfile.PATH_GOODBYE, "");
        assertDelivery(watcher.nextDelivery(), sibling.id(), "offline");
        assertThat(watcher.pendingDeliveries()).isEmpty();
    }

    private static void assertDelivery(Request delivery, String from, String data) {
        assertThat(delivery).as("a delivery").isNotNull();
        assertThat(delivery.getOptions().getUriPathString()).isEqualTo("E/spark/status");
        assertThat(delivery.getOptions().getUriQueryString()).isEqualTo("from=" + from);
        assertThat(new String(delivery.getPayload(), StandardCharsets.UTF_8)).isEqualTo(data);
    }

    @Test
    void a_first_request_other_than_hello_implies_one_and_the_session_lives_on() throws Exception {
        SseClient stream = openStream();
        TestDevice device = cloud.pskDevice("alice");

        assertThat(device.put("e/news/", "").getCode()).isEqualTo(ResponseCode.CREATED);
        expectStatus(stream, device.id(), "online");
        LiveSession session = cloud.cloud().sessions().find(device.id()).orElseThrow();
        assertThat(session.firmware()).isNull();
        assertThat(session.functions()).isEmpty();
        assertThat(cloud.registry().findById(device.id()).orElseThrow().lastSeen()).isNotNull();

        // Its publishes go through as after a hello, and its subscription delivers for as long as it lives.
        assertThat(device.publish("news/today", "sunny").getCode()).isEqualTo(ResponseCode.CHANGED);
        Request delivery = device.nextDelivery();
        assertThat(delivery.getOptions().getUriPathString()).isEqualTo("E/news/today");
        assertThat(cloud.cloud().sessions().find(device.id())).containsSame(session);
    }

    @Test
    void devices_cannot_forge_system_events() throws Exception {
        TestDevice device = cloud.pskDevice("alice");
        device.hello();

        CoapResponse forged = device.publish("spark/status", "offline");

        assertThat(forged.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(forged.getResponseText()).contains("reserved prefix 'spark/'");
    }
}
