package io.corral.cloud.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.cloud.registry.TokenStore;
import io.corral.cloud.testkit.ApiClient;
import io.corral.cloud.testkit.SseClient;
import io.corral.device.Device;
import io.corral.device.Event;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Owner isolation, one test per endpoint: alice's token never sees, calls or streams bob's devices, events or
 * tokens, and bob's device answers 404 exactly as a missing one.
 */
class OwnerIsolationTest extends ApiCloudTest {
    private String alice;
    private TokenStore.Issued bobToken;
    private Device bobDevice;
    private final AtomicInteger bobCalls = new AtomicInteger();

    @BeforeEach
    void twoOwners() {
        alice = cloud.token("alice");
        bobToken = cloud.issue("bob", false, null);
        bobDevice = cloud.device(api.provision(bobToken.token(), "{\"auth\":\"psk\",\"name\":\"bobs\"}"));
        bobDevice.function("open", arg -> bobCalls.incrementAndGet());
        bobDevice.variable("secret", () -> 42);
        bobDevice.connect();
    }

    private void assertNotFound(ApiClient.Response response) {
        assertThat(response.error(404, "not_found")).isEqualTo("no device '" + bobDevice.id() + "' among the devices of alice");
    }

    private Device aliceDevice() {
        Device device = cloud.device(api.provision(alice, "{\"auth\":\"psk\"}"));
        device.connect();
        return device;
    }

    @Test
    void list_devices_shows_only_the_callers_devices() {
        Device mine = aliceDevice();

        JsonNode list = api.get(alice, "/v1/devices").json();

        assertThat(list).extracting(d -> d.get("id").asText()).containsExactly(mine.id());
    }

    @Test
    void get_device_of_another_owner_is_not_found() {
        assertNotFound(api.get(alice, "/v1/devices/" + bobDevice.id()));
    }

    @Test
    void calling_a_function_of_another_owners_device_is_not_found_and_never_reaches_it() {
        assertNotFound(api.post(alice, "/v1/devices/" + bobDevice.id() + "/open", "{\"arg\":\"door\"}"));
        assertThat(bobCalls).hasValue(0);
        // The same call with bob's token goes through: the 404 above was about the owner, not the device.
        assertThat(api.post(bobToken.token(), "/v1/devices/" + bobDevice.id() + "/open", "{}").status()).isEqualTo(200);
    }

    @Test
    void reading_a_variable_of_another_owners_device_is_not_found() {
        assertNotFound(api.get(alice, "/v1/devices/" + bobDevice.id() + "/secret"));
    }

    @Test
    void provisioning_for_another_owner_is_forbidden() {
        assertThat(api.post(alice, "/v1/devices", "{\"owner\":\"bob\"}").error(403, "insufficient_scope"))
                .isEqualTo("acting for owner 'bob' needs a token with the admin scope; this token belongs to 'alice'");
        assertThat(cloud.cloud().registry().listByOwner("bob")).hasSize(1);
    }

    @Test
    void bulk_provisioning_for_another_owner_is_forbidden() {
        assertThat(api.post(alice, "/v1/devices/bulk", "{\"owner\":\"bob\",\"count\":5}").error(403, "insufficient_scope"))
                .startsWith("acting for owner 'bob' needs a token with the admin scope");
        assertThat(cloud.cloud().registry().listByOwner("bob")).hasSize(1);
    }

    @Test
    void an_api_publish_reaches_only_the_publishers_devices_and_streams() throws Exception {
        BlockingQueue<Event> bobReceived = new LinkedBlockingQueue<>();
        bobDevice.subscribe("news", bobReceived::add).get(10, TimeUnit.SECONDS);
        SseClient bobStream = api.stream(bobToken.token(), "/v1/events");
        assertThat(bobStream.next()).containsExactly(":ok");

        assertThat(api.post(alice, "/v1/devices/events", "{\"name\":\"news\",\"data\":\"alice only\"}").status()).isEqualTo(200);
        assertThat(api.post(bobToken.token(), "/v1/devices/events", "{\"name\":\"news\",\"data\":\"bob\"}").status()).isEqualTo(200);

        // Events keep publish order: bob's own event arriving first shows alice's never came.
        assertThat(bobReceived.poll(20, TimeUnit.SECONDS).dataAsString()).isEqualTo("bob");
        assertThat(bobStream.nextEvent().get(1)).contains("\"data\":\"bob\"");
    }

    @Test
    void the_events_stream_carries_no_events_of_other_owners() throws Exception {
        assertOnlyOwnEvents("/v1/events");
    }

    @Test
    void the_devices_events_stream_carries_no_events_of_other_owners() throws Exception {
        assertOnlyOwnEvents("/v1/devices/events");
    }

    private void assertOnlyOwnEvents(String path) throws Exception {
        Device mine = aliceDevice();
        SseClient stream = api.stream(alice, path);
        assertThat(stream.next()).containsExactly(":ok");

        bobDevice.publish("temp", "bob's").get(10, TimeUnit.SECONDS);
        mine.publish("temp", "alice's").get(10, TimeUnit.SECONDS);

        List<String> first = stream.nextEvent();
        assertThat(first.get(1)).contains("\"data\":\"alice's\"").contains(mine.id());
    }

    @Test
    void the_stream_of_another_owners_device_is_not_found() {
        assertNotFound(api.get(alice, "/v1/devices/" + bobDevice.id() + "/events"));
        assertNotFound(api.get(alice, "/v1/devices/" + bobDevice.id() + "/events/temp"));
    }

    @Test
    void listing_tokens_shows_only_the_callers_and_asking_for_another_owner_is_forbidden() {
        JsonNode list = api.get(alice, "/v1/access_tokens").json();

        assertThat(list).extracting(t -> t.get("owner").asText()).containsOnly("alice");
        assertThat(api.get(alice, "/v1/access_tokens?owner=bob").error(403, "insufficient_scope"))
                .startsWith("acting for owner 'bob' needs a token with the admin scope");
    }

    @Test
    void revoking_another_owners_token_is_not_found_and_leaves_it_working() {
        assertThat(api.delete(alice, "/v1/access_tokens/" + bobToken.record().id()).error(404, "not_found"))
                .isEqualTo("no access token '" + bobToken.record().id() + "' of owner alice");
        assertThat(api.delete(alice, "/v1/access_tokens/" + bobToken.token()).error(404, "not_found"))
                .startsWith("no access token '" + bobToken.token().substring(0, 6) + "...' of owner alice");
        assertThat(api.get(bobToken.token(), "/v1/devices").status()).isEqualTo(200);
    }

    @Test
    void creating_a_token_for_another_owner_is_forbidden() {
        assertThat(api.post(alice, "/v1/access_tokens", "{\"owner\":\"bob\"}").error(403, "insufficient_scope"))
                .startsWith("acting for owner 'bob' needs a token with the admin scope");
    }
}
