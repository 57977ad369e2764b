package io.corral.cloud.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.cloud.Cloud;
import io.corral.cloud.testkit.ApiClient;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.SseClient;
import io.corral.device.Device;
import io.corral.device.Event;
import io.corral.protocol.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Publishing through the API and Server-Sent Events streams, with real SDK devices. */
class EventStreamTest extends ApiCloudTest {
    /** Room for fast publishing and for big events that fill a stalled reader's socket quickly. */
    private static final Limits LIMITS = new Limits(64, 64 * 1024, 1024, 64, 10_000, 10_000, 8);
    private static final int BUFFER_EVENTS = 8;

    private String alice;
    private String admin;

    @Override
    Cloud.Builder configure(Cloud.Builder builder) {
        return builder.limits(LIMITS).eventStreams(BUFFER_EVENTS, Duration.ofMillis(200));
    }

    @BeforeEach
    void issueTokens() {
        alice = cloud.token("alice");
        admin = cloud.adminToken("ops");
    }

    private Device connectedDevice(String token) {
        Device device = cloud.device(api.provision(token, "{\"auth\":\"psk\"}"));
        device.connect();
        return device;
    }

    /** Opens a stream and waits for its opening comment, after which no event is missed. */
    private SseClient openStream(String token, String path) throws InterruptedException {
        SseClient stream = api.stream(token, path);
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.response().headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(stream.next()).containsExactly(":ok");
        return stream;
    }

    @Test
    void a_stream_receives_device_events_in_order_with_the_documented_fields() throws Exception {
        Device device = connectedDevice(alice);
        SseClient stream = openStream(alice, "/v1/events");

        for (int i = 0; i < 10; i++) {
            device.publish("temp/kitchen", Integer.toString(i)).get(10, TimeUnit.SECONDS);
        }

        for (int i = 0; i < 10; i++) {
            List<String> message = stream.nextEvent();
            assertThat(message).hasSize(2);
            assertThat(message.get(0)).isEqualTo("event: temp/kitchen");
            assertThat(message.get(1)).startsWith("data: ");
            JsonNode data = ApiClient.JSON.readTree(message.get(1).substring("data: ".length()));
            assertThat(data.fieldNames()).toIterable().containsExactly("data", "ttl", "published_at", "coreid");
            assertThat(data.get("data").asText()).isEqualTo(Integer.toString(i));
            assertThat(data.get("ttl").asInt()).isEqualTo(60);
            assertThat(Instant.parse(data.get("published_at").asText())).isBefore(Instant.now().plusSeconds(1));
            assertThat(data.get("coreid").asText()).isEqualTo(device.id());
        }
    }

    @Test
    void heartbeat_comments_arrive_on_a_quiet_stream() throws Exception {
        SseClient stream = openStream(alice, "/v1/events");

        assertThat(stream.nextComment()).isEqualTo(":heartbeat");
        assertThat(stream.nextComment()).isEqualTo(":heartbeat");
    }

    @Test
    void an_api_publish_reaches_subscribed_devices_and_streams() throws Exception {
        Device device = connectedDevice(alice);
        BlockingQueue<Event> received = new LinkedBlockingQueue<>();
        device.subscribe("alerts/", received::add).get(10, TimeUnit.SECONDS);
        SseClient stream = openStream(alice, "/v1/devices/events/alerts");

        ApiClient.Response published = api.post(alice, "/v1/devices/events",
                "{\"name\":\"alerts/fire\",\"data\":\"kitchen\",\"ttl\":30,\"private\":true}");

        assertThat(published.status()).isEqualTo(200);
        assertThat(published.json().get("ok").asBoolean()).isTrue();
        Event delivered = received.poll(20, TimeUnit.SECONDS);
        assertThat(delivered).isNotNull();
        assertThat(delivered.name()).isEqualTo("alerts/fire");
        assertThat(delivered.dataAsString()).isEqualTo("kitchen");
        List<String> message = stream.nextEvent();
        assertThat(message.get(0)).isEqualTo("event: alerts/fire");
        JsonNode data = ApiClient.JSON.readTree(message.get(1).substring("data: ".length()));
        assertThat(data.get("coreid").asText()).isEqualTo("api");
        assertThat(data.get("ttl").asInt()).isEqualTo(30);
    }

    @Test
    void a_device_stream_carries_only_that_devices_events_under_the_prefix() throws Exception {
        Device watched = connectedDevice(alice);
        Device other = connectedDevice(alice);
        SseClient stream = openStream(alice, "/v1/devices/" + watched.id() + "/events/temp");

        other.publish("temp", "other").get(10, TimeUnit.SECONDS);
        watched.publish("humidity", "skipped").get(10, TimeUnit.SECONDS);
        watched.publish("temp/x", "mine").get(10, TimeUnit.SECONDS);

        // The bus keeps publish order, so the first event through is the last one published.
        List<String> message = stream.nextEvent();
        assertThat(message.get(0)).isEqualTo("event: temp/x");
        assertThat(message.get(1)).contains("\"data\":\"mine\"").contains(watched.id());
    }

    @Test
    void publish_errors_name_the_rule() {
        assertThat(api.post(alice, "/v1/devices/events", "{\"name\":\"corral/x\"}").error(400, "invalid_request"))
                .isEqualTo("event name 'corral/x' uses the reserved prefix 'corral/'");
        assertThat(api.post(alice, "/v1/devices/events", "{\"data\":\"x\"}").error(400, "invalid_request"))
                .isEqualTo("field 'name' is required");
        assertThat(api.post(alice, "/v1/devices/events", "{\"name\":\"x\",\"private\":false}").error(400, "invalid_request"))
                .isEqualTo("field 'private' must be true: there are no public events, every event stays with its owner");
        assertThat(api.get(alice, "/v1/events/bad%20prefix").error(400, "invalid_request"))
                .isEqualTo("subscription prefix must be printable ASCII without spaces; character 3 is 0x20");
    }

    @Test
    void a_client_that_goes_away_is_unsubscribed() throws Exception {
        SseClient stream = openStream(alice, "/v1/events");
        Await.until("the stream is counted", () -> api.stats(admin).get("sse_clients").asInt() == 1);

        stream.close();

        // The server notices at its next write, a heartbeat at the latest.
        Await.until("the stream is gone", () -> api.stats(admin).get("sse_clients").asInt() == 0);
        assertThat(api.stats(admin).get("sse_slow_disconnects").asInt()).isZero();
    }

    @Test
    void closing_the_cloud_ends_open_streams() throws Exception {
        SseClient stream = openStream(alice, "/v1/events");

        cloud.cloud().close();

        assertThat(stream.ended()).isTrue();
    }

    @Test
    void a_stalled_reader_is_disconnected_and_counted_while_devices_keep_getting_acks() throws Exception {
        Device device = connectedDevice(alice);
        SseClient healthy = openStream(alice, "/v1/events/dev");
        try (Socket stalled = stalledReader(alice, "/v1/events")) {
            String load = "x".repeat(60 * 1024);
            List<String> acknowledged = new ArrayList<>();
            int published = 0;
            // The stalled reader gets every load event and reads none: its socket buffers fill, then its
            // queue of BUFFER_EVENTS, and then the cloud cuts it off. Meanwhile the device keeps publishing.
            while (api.stats(admin).get("sse_slow_disconnects").asInt() == 0) {
                assertThat(published).as("events published without a disconnect").isLessThan(5_000);
                assertThat(api.post(alice, "/v1/devices/events", "{\"name\":\"load\",\"data\":\"" + load + "\"}")
                        .status()).isEqualTo(200);
                if (published++ % 10 == 0) {
                    String name = "dev/" + published;
                    device.publish(name, "x").get(10, TimeUnit.SECONDS);
                    acknowledged.add(name);
                }
            }
            device.publish("dev/after", "x").get(10, TimeUnit.SECONDS);
            acknowledged.add("dev/after");

            assertThat(acknowledged.size()).isGreaterThan(1);
            for (String name : acknowledged) {
                assertThat(healthy.nextEvent().get(0)).isEqualTo("event: " + name);
            }
            assertThat(endOfStream(stalled)).as("the stalled reader was disconnected").isTrue();
            JsonNode stats = api.stats(admin);
            assertThat(stats.get("sse_slow_disconnects").asInt()).isEqualTo(1);
            // The stalled client is unregistered once its blocked write fails, a moment after it is counted.
            Await.until("the stalled stream unregistered", () -> api.stats(admin).get("sse_clients").asInt() == 1);
        }
    }

    /** A raw HTTP client that reads the response up to the opening {@code :ok} and then stops reading. */
    private Socket stalledReader(String token, String path) throws IOException {
        Socket socket = new Socket();
        // A small receive window, so the stall shows up after little data.
        socket.setReceiveBufferSize(4096);
        socket.connect(cloud.cloud().httpAddress());
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder seen = new StringBuilder();
        while (!seen.toString().contains(":ok")) {
            int b = in.read();
            assertThat(b).as("response so far: %s", seen).isNotEqualTo(-1);
            seen.append((char) b);
        }
        assertThat(seen.toString()).startsWith("HTTP/1.1 200 ");
        return socket;
    }

    /** Reads what is left; true if the stream then ends (EOF or reset) rather than staying open. */
    private static boolean endOfStream(Socket socket) throws IOException {
        socket.setSoTimeout(20_000);
        byte[] buffer = new byte[64 * 1024];
        try {
            while (socket.getInputStream().read(buffer) != -1) {
                // Drain what the kernel buffered before the cut.
            }
            return true;
        } catch (SocketException reset) {
            return true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        }
    }
}
