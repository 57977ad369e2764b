package io.corral.cloud.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.cloud.Cloud;
import io.corral.cloud.testkit.ApiClient.Response;
import io.corral.cloud.testkit.ApiClient;
import io.corral.cloud.testkit.Await;
import io.corral.device.Device;
import io.corral.device.DeviceCredentials;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Devices, function calls and variable reads through the API, answered by real SDK devices over DTLS. */
class DeviceApiTest extends ApiCloudTest {
    private String token;
    private final CountDownLatch release = new CountDownLatch(1);

    @Override
    Cloud.Builder configure(Cloud.Builder builder) {
        // The shortest function timeout, so the timeout test waits one second.
        return builder.functionTimeout(Duration.ofSeconds(1));
    }

    @BeforeEach
    void issueToken() {
        token = cloud.token("alice");
    }

    @AfterEach
    void releaseSlowFunction() {
        release.countDown();
    }

    /** A connected device of alice's with function 'led', a slow function, a failing one and two variables. */
    private Device lamp() {
        DeviceCredentials credentials = api.provision(token, "{\"name\":\"lamp\"}");
        Device device = cloud.device(credentials);
        device.function("led", arg -> arg.equals("on") ? 1 : 0);
        device.function("slow", arg -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        });
        device.function("broken", arg -> {
            throw new IllegalStateException("bulb missing");
        });
        device.variable("temp", () -> 21.5);
        device.variable("label", () -> "kitchen");
        device.connect();
        return device;
    }

    @Test
    void a_function_call_reaches_the_device_and_returns_its_answer() {
        Device device = lamp();

        Response on = api.post(token, "/v1/devices/" + device.id() + "/led", "{\"arg\":\"on\"}");
        Response off = api.postForm(token, "/v1/devices/" + device.id() + "/led", "arg=off");

        assertThat(on.status()).as(on.body()).isEqualTo(200);
        assertThat(on.json()).isEqualTo(ApiClient.JSON.createObjectNode().put("id", device.id()).put("name", "lamp")
                .put("connected", true).put("return_value", 1));
        assertThat(off.json().get("return_value").asInt()).isZero();
    }

    @Test
    void a_variable_read_returns_the_devices_value_with_core_info() {
        Device device = lamp();

        JsonNode temp = api.get(token, "/v1/devices/" + device.id() + "/temp").json();
        JsonNode label = api.get(token, "/v1/devices/" + device.id() + "/label").json();

        assertThat(temp.get("name").asText()).isEqualTo("temp");
        assertThat(temp.get("result").asDouble()).isEqualTo(21.5);
        assertThat(label.get("result").asText()).isEqualTo("kitchen");
        JsonNode info = temp.get("coreInfo");
        assertThat(info.get("deviceID").asText()).isEqualTo(device.id());
        assertThat(info.get("connected").asBoolean()).isTrue();
        assertThat(info.get("last_handshake_at").asText()).isNotEmpty();
    }

    @Test
    void devices_are_listed_with_their_live_state() {
        Device device = lamp();
        DeviceCredentials idle = api.provision(token, "{\"name\":\"idle\",\"auth\":\"psk\"}");

        JsonNode list = api.get(token, "/v1/devices").json();
        JsonNode one = api.get(token, "/v1/devices/" + device.id()).json();

        assertThat(list).hasSize(2);
        assertThat(one).isEqualTo(list.get(0));
        assertThat(one.get("id").asText()).isEqualTo(device.id());
        assertThat(one.get("owner").asText()).isEqualTo("alice");
        assertThat(one.get("online").asBoolean()).isTrue();
        assertThat(one.get("last_heard").asText()).isNotEmpty();
        assertThat(one.get("last_handshake_at").asText()).isNotEmpty();
        assertThat(one.get("firmware").asText()).isEqualTo("0.0.0");
        assertThat(one.get("product").asText()).isEqualTo("corral-device");
        assertThat(one.get("functions")).extracting(JsonNode::asText).containsExactlyInAnyOrder("led", "slow", "broken");
        assertThat(one.get("variables").get("temp").asText()).isEqualTo("double");
        assertThat(one.get("variables").get("label").asText()).isEqualTo("string");
        JsonNode offline = list.get(1);
        assertThat(offline.get("id").asText()).isEqualTo(idle.deviceId());
        assertThat(offline.get("online").asBoolean()).isFalse();
        assertThat(offline.get("last_heard").isNull()).isTrue();
        assertThat(offline.get("functions")).isEmpty();
    }

    @Test
    void calling_an_offline_device_says_it_is_offline() {
        DeviceCredentials never = api.provision(token, "{}");
        Device gone = lamp();
        gone.disconnect();
        // disconnect() returns once the goodbye is sent; the cloud drops the session when it reads it.
        Await.until("the session is gone", () -> !cloud.cloud().sessions().isOnline(gone.id()));

        String neverConnected = api.post(token, "/v1/devices/" + never.deviceId() + "/led", "{}").error(409, "device_offline");
        String disconnected = api.get(token, "/v1/devices/" + gone.id() + "/temp").error(409, "device_offline");

        assertThat(neverConnected).isEqualTo("device " + never.deviceId()
                + " is offline: it is not connected to the cloud now; try again once it reconnects");
        assertThat(disconnected).startsWith("device " + gone.id() + " is offline");
    }

    @Test
    void a_device_that_does_not_answer_in_time_is_a_408() {
        Device device = lamp();

        String description = api.post(token, "/v1/devices/" + device.id() + "/slow", "{}").error(408, "timed_out");

        assertThat(description).isEqualTo("device " + device.id() + " did not answer function 'slow' within 1000 ms");
    }

    @Test
    void an_unknown_function_or_variable_is_a_404_naming_it() {
        Device device = lamp();

        assertThat(api.post(token, "/v1/devices/" + device.id() + "/nope", "{}").error(404, "not_found"))
                .isEqualTo("device " + device.id() + " has no function 'nope'");
        assertThat(api.get(token, "/v1/devices/" + device.id() + "/nope").error(404, "not_found"))
                .isEqualTo("device " + device.id() + " has no variable 'nope'");
    }

    @Test
    void an_argument_over_the_limit_is_a_400_with_the_limit() {
        Device device = lamp();

        String description = api.post(token, "/v1/devices/" + device.id() + "/led",
                "{\"arg\":\"" + "x".repeat(1025) + "\"}").error(400, "argument_too_long");

        assertThat(description).isEqualTo("field 'arg' must be at most 1024 bytes of UTF-8, was 1025");
    }

    @Test
    void a_function_that_throws_on_the_device_is_a_502() {
        Device device = lamp();

        assertThat(api.post(token, "/v1/devices/" + device.id() + "/broken", "{}").error(502, "function_failed"))
                .startsWith("the function 'broken' of device " + device.id() + " failed on the device: ");
    }

    @Test
    void an_unknown_device_is_a_404() {
        assertThat(api.get(token, "/v1/devices/0123456789abcdef01234567").error(404, "not_found"))
                .isEqualTo("no device '0123456789abcdef01234567' among the devices of alice");
        assertThat(api.post(token, "/v1/devices/not-a-device/led", "{}").error(404, "not_found"))
                .isEqualTo("no device 'not-a-device' among the devices of alice");
    }
}
