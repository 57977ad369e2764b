package io.corral.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.coap.LiveSession;
import io.corral.cloud.events.Event;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.BreakableRegistry;
import io.corral.cloud.testkit.TestCloud;
import io.corral.cloud.testkit.TestDevice;
import io.corral.protocol.Limits;
import io.corral.protocol.VariableType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.Code;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.CoAP.Type;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every device-to-cloud message of the profile, its success and its exact errors, over real DTLS. */
class DeviceMessagesTest {
    private TestCloud cloud;

    private TestDevice helloedDevice(Limits limits) throws Exception {
        cloud = TestCloud.builder().memory().limits(limits).start();
        TestDevice device = cloud.pskDevice("alice");
        device.hello();
        return device;
    }

    private TestDevice helloedDevice() throws Exception {
        return helloedDevice(Limits.DEFAULTS);
    }

    @AfterEach
    void stopCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    private static void assertError(CoapResponse response, ResponseCode code, String diagnostic) {
        assertThat(response.getCode()).isEqualTo(code);
        assertThat(response.getResponseText()).isEqualTo(diagnostic);
    }

    @Test
    void hello_with_broken_json_is_a_bad_request() throws Exception {
        cloud = TestCloud.builder().memory().start();
        TestDevice device = cloud.pskDevice("alice");

        CoapResponse response = device.post("h", "{\"fw\": ");

        assertThat(response.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(response.getResponseText()).startsWith("hello body is not valid JSON for {\"fw\":\"1.0.0\"");
        assertThat(cloud.cloud().sessions().isOnline(device.id())).isFalse();
    }

    @Test
    void hello_without_a_body_is_a_bad_request() throws Exception {
        cloud = TestCloud.builder().memory().start();
        TestDevice device = cloud.pskDevice("alice");

        assertError(device.post("h", ""), ResponseCode.BAD_REQUEST, "hello needs a JSON object body, like "
                + "{\"fw\":\"1.0.0\",\"product\":\"thermo\",\"sdk\":\"corral-java/0.1\",\"features\":[]}");
    }

    @Test
    void each_profile_request_before_hello_implies_one() throws Exception {
        cloud = TestCloud.builder().memory().start();
        for (String request : List.of("publish", "subscribe", "unsubscribe", "describe")) {
            TestDevice device = cloud.pskDevice("alice");
            CoapResponse response = switch (request) {
                case "publish" -> device.publish("temp", "1");
                case "subscribe" -> device.put("e/temp", null);
                case "unsubscribe" -> device.delete("e/temp");
                default -> device.post("d", "{\"f\":[]}");
            };
            assertThat(response.getCode()).as(request + ": " + response.getResponseText()).isIn(ResponseCode.CHANGED,
                    ResponseCode.CREATED, ResponseCode.DELETED);
            assertThat(cloud.cloud().sessions().isOnline(device.id())).as(request + " implied a hello").isTrue();
        }
        TestDevice timeOnly = cloud.pskDevice("alice");
        assertThat(timeOnly.get("t").getCode()).isEqualTo(ResponseCode.CONTENT);
        assertThat(cloud.cloud().sessions().isOnline(timeOnly.id())).as("the time implies no hello").isFalse();
    }

    @Test
    void describe_records_functions_and_variables() throws Exception {
        TestDevice device = helloedDevice();

        CoapResponse response = device.post("d", "{\"f\":[\"reset\",\"blink\"],\"v\":{\"temp\":\"double\",\"on\":\"bool\"}}");

        assertThat(response.getCode()).isEqualTo(ResponseCode.CHANGED);
        LiveSession session = cloud.cloud().sessions().find(device.id()).orElseThrow();
        assertThat(session.functions()).containsExactly("reset", "blink");
        assertThat(session.variables()).containsExactlyInAnyOrderEntriesOf(
                Map.of("temp", VariableType.DOUBLE, "on", VariableType.BOOL));
    }

    @Test
    void describe_rejects_bad_types_names_and_too_many_entries() throws Exception {
        TestDevice device = helloedDevice();

        assertError(device.post("d", "{\"v\":{\"temp\":\"float\"}}"), ResponseCode.BAD_REQUEST,
                "variable 'temp': variable type must be one of int, double, bool, string; was 'float'");
        assertError(device.post("d", "{\"f\":[\"a/b\"]}"), ResponseCode.BAD_REQUEST,
                "function name 'a/b' must not contain '/'");
        StringBuilder many = new StringBuilder("{\"f\":[");
        for (int i = 0; i < 33; i++) {
            many.append(i == 0 ? "" : ",").append("\"f").append(i).append('"');
        }
        assertError(device.post("d", many.append("]}").toString()), ResponseCode.REQUEST_ENTITY_TOO_LARGE,
                "too many functions: 33, the limit is 32");
    }

    @Test
    void publish_is_accepted_and_carries_ttl_content_format_and_source() throws Exception {
        TestDevice device = helloedDevice();
        BlockingQueue<Event> seen = new LinkedBlockingQueue<>();
        cloud.cloud().eventBus().subscribe("alice", "", null, seen::add);

        CoapResponse response = device.request(Code.POST, "E/temp/kitchen", "{\"c\":21}".getBytes(StandardCharsets.UTF_8),
                options -> options.setMaxAge(300).setContentFormat(MediaTypeRegistry.APPLICATION_JSON));

        assertThat(response.getCode()).isEqualTo(ResponseCode.CHANGED);
        Event event = seen.poll(15, TimeUnit.SECONDS);
        assertThat(event).isNotNull();
        assertThat(event.name()).isEqualTo("temp/kitchen");
        assertThat(event.dataAsText()).isEqualTo("{\"c\":21}");
        assertThat(event.ttlSeconds()).isEqualTo(300);
        assertThat(event.contentFormat()).isEqualTo(MediaTypeRegistry.APPLICATION_JSON);
        assertThat(event.deviceId()).isEqualTo(device.id());
        assertThat(event.owner()).isEqualTo("alice");
        assertThat(event.id()).hasSize(16);
    }

    @Test
    void non_publish_is_accepted_with_the_default_ttl() throws Exception {
        TestDevice device = helloedDevice();
        BlockingQueue<Event> seen = new LinkedBlockingQueue<>();
        cloud.cloud().eventBus().subscribe("alice", "door", null, seen::add);

        CoapResponse response = device.request(Code.POST, Type.NON, "E/door", "open".getBytes(StandardCharsets.UTF_8),
                options -> { });

        assertThat(response.getCode()).isEqualTo(ResponseCode.CHANGED);
        Event event = seen.poll(15, TimeUnit.SECONDS);
        assertThat(event).isNotNull();
        assertThat(event.ttlSeconds()).isEqualTo(60);
        assertThat(event.contentFormat()).isEqualTo(MediaTypeRegistry.TEXT_PLAIN);
    }

    @Test
    void bad_name_and_oversized_data_are_refused_and_the_session_carries_on() throws Exception {
        TestDevice device = helloedDevice();

        assertError(device.publish("x".repeat(65), "1"), ResponseCode.BAD_REQUEST,
                "event name must be at most 64 characters, was 65");
        assertError(device.publish("corral/status", "1"), ResponseCode.BAD_REQUEST,
                "event name 'corral/status' uses the reserved prefix 'corral/'");
        assertError(device.post("E", "1"), ResponseCode.BAD_REQUEST,
                "event name must be 1..64 printable ASCII characters, was empty");
        assertError(device.publish("big", "x".repeat(1025)), ResponseCode.REQUEST_ENTITY_TOO_LARGE,
                "event data is 1025 bytes, the limit is 1024");

        assertThat(device.publish("fine", "x".repeat(1024)).getCode()).isEqualTo(ResponseCode.CHANGED);
        assertThat(device.get("t").getCode()).isEqualTo(ResponseCode.CONTENT);
    }

    @Test
    void publish_with_an_unsupported_content_format_is_refused() throws Exception {
        TestDevice device = helloedDevice();

        CoapResponse response = device.request(Code.POST, "E/img", new byte[] {1},
                options -> options.setContentFormat(MediaTypeRegistry.IMAGE_PNG));

        assertThat(response.getCode()).isEqualTo(ResponseCode.UNSUPPORTED_CONTENT_FORMAT);
        assertThat(response.getResponseText()).startsWith("content format 23 is not one of");
    }

    @Test
    void publish_over_rate_is_refused_with_max_age_until_the_next_token() throws Exception {
        // One token per 1000 s makes "the bucket does not refill during the test" true on any machine.
        Limits limits = new Limits(64, 1024, 1024, 64, 0.001, 2, 8);
        TestDevice device = helloedDevice(limits);

        assertThat(device.publish("bad name", "1").getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(device.publish("a", "1").getCode()).isEqualTo(ResponseCode.CHANGED);
        assertThat(device.publish("a", "2").getCode()).isEqualTo(ResponseCode.CHANGED);
        CoapResponse refused = device.publish("a", "3");

        assertThat(refused.getCode()).isEqualTo(ResponseCode.TOO_MANY_REQUESTS);
        assertThat(refused.getOptions().getMaxAge()).isBetween(1L, 1000L);
        assertThat(refused.getResponseText()).matches(
                "publish rate limit of 0\\.001/s with a burst of 2 exceeded; retry in \\d+ s");
        assertThat(device.get("t").getCode()).isEqualTo(ResponseCode.CONTENT);
    }

    @Test
    void subscriptions_over_the_limit_are_refused() throws Exception {
        Limits limits = new Limits(64, 1024, 1024, 64, 1, 4, 2);
        TestDevice device = helloedDevice(limits);

        assertThat(device.put("e/a", null).getCode()).isEqualTo(ResponseCode.CREATED);
        assertThat(device.put("e/b", null).getCode()).isEqualTo(ResponseCode.CREATED);
        assertThat(device.put("e/a", null).getCode()).as("same subscription again").isEqualTo(ResponseCode.CREATED);
        assertError(device.put("e/c", null), ResponseCode.TOO_MANY_REQUESTS, "too many subscriptions: device "
                + device.id() + " has 2, the limit is 2; unsubscribe (DELETE /e/{prefix}) first");

        assertThat(device.delete("e/a").getCode()).isEqualTo(ResponseCode.DELETED);
        assertThat(device.put("e/c", null).getCode()).isEqualTo(ResponseCode.CREATED);
        assertThat(cloud.cloud().sessions().find(device.id()).orElseThrow().subscriptions())
                .extracting(LiveSession.Subscribed::prefix).containsExactly("b", "c");
    }

    @Test
    void subscribe_with_a_bad_filter_is_a_bad_request() throws Exception {
        TestDevice device = helloedDevice();

        assertError(device.put("e/a", "{\"device\":\"nope\"}"), ResponseCode.BAD_REQUEST, "subscribe filter 'device' "
                + "must be a device id (24 lowercase hex characters) or 'api', was 'nope'");
        assertThat(device.put("e/a", "[1,2]").getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
    }

    @Test
    void an_internal_failure_answers_5_00_and_the_device_carries_on() throws Exception {
        BreakableRegistry registry = new BreakableRegistry();
        cloud = TestCloud.builder().memory().registry(registry).start();
        TestDevice device = cloud.pskDevice("alice");
        registry.failTouchLastSeenWith(new IllegalStateException("disk on fire"));

        CoapResponse response = device.post("h", "{}");

        assertThat(response.getCode()).isEqualTo(ResponseCode.INTERNAL_SERVER_ERROR);
        assertThat(response.getResponseText()).isEqualTo("internal error in the cloud while handling POST /h "
                + "(IllegalStateException); it has been logged");
        assertThat(cloud.cloud().sessions().isOnline(device.id())).isFalse();
        assertThat(device.get("t").getCode()).isEqualTo(ResponseCode.CONTENT);
    }

    @Test
    void goodbye_ends_the_live_session() throws Exception {
        TestDevice device = helloedDevice();
        device.put("e/a", null);

        device.fireAndForget(Code.POST, Type.NON, "x", "{\"reason\":\"reboot\"}".getBytes(StandardCharsets.UTF_8));

        Await.until("the session is gone", () -> !cloud.cloud().sessions().isOnline(device.id()));
    }

    @Test
    void a_second_hello_replaces_the_session_and_its_subscriptions() throws Exception {
        TestDevice device = helloedDevice();
        device.put("e/a", null);
        LiveSession first = cloud.cloud().sessions().find(device.id()).orElseThrow();

        device.hello();

        LiveSession second = cloud.cloud().sessions().find(device.id()).orElseThrow();
        assertThat(second).isNotSameAs(first);
        assertThat(second.subscriptions()).isEmpty();
        assertThat(first.subscriptions()).isEmpty();
    }
}
