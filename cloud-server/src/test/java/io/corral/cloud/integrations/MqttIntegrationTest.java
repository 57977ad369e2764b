package io.corral.cloud.integrations;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.integrations.model.Attempt;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.IntegrationJson;
import io.corral.cloud.integrations.model.MqttSettings;
import io.corral.cloud.integrations.queue.DeliveryQueue;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.Mosquitto;
import io.corral.cloud.testkit.TestCloud;
import io.corral.cloud.testkit.TestDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A device publishes over DTLS; the cloud publishes to a real mosquitto the test starts on a free port. */
class MqttIntegrationTest {
    @TempDir
    Path dir;
    private TestCloud cloud;
    private TestDevice device;
    private MqttClient subscriber;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    private record Received(String topic, MqttMessage message) {
        String eventId() {
            return message.getProperties().getUserProperties().stream()
                    .filter(p -> p.getKey().equals(MqttSettings.EVENT_ID_PROPERTY)).map(UserProperty::getValue)
                    .findFirst().orElse(null);
        }
    }

    @BeforeEach
    void start() throws Exception {
        cloud = TestCloud.builder().dataDir(dir.resolve("data"))
                .limits(TestCloud.UNLIMITED).configure(b -> b.integrations(WebhookIntegrationTest.FAST)).start();
        device = cloud.pskDevice("alice");
        device.hello();
    }

    @AfterEach
    void stop() throws Exception {
        if (subscriber != null) {
            // The test's broker may already be gone, leaving the client half-way through disconnecting.
            try {
                subscriber.disconnectForcibly(0, 500, false);
            } catch (MqttException alreadyGoing) {
                // Nothing to tear down: the connection is closing or closed.
            }
            subscriber.close(true);
        }
        cloud.close();
    }

    private void subscribe(Mosquitto broker, String filter) throws Exception {
        subscriber = new MqttClient(broker.uri(), "test-subscriber", new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        // A callback rather than a per-subscription listener: Paho 1.2.5's subscribe(String, int, listener)
        // recurses into itself.
        subscriber.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new Received(topic, message));
            }

            @Override
            public void disconnected(MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        subscriber.connect(options);
        subscriber.subscribe(filter, 2);
    }

    private Received next() throws InterruptedException {
        Received r = received.poll(20, TimeUnit.SECONDS);
        assertThat(r).as("an MQTT message within 20 s").isNotNull();
        return r;
    }

    @Test
    void events_are_published_with_the_topic_template_qos_and_the_event_id_as_user_property() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir)) {
            subscribe(broker, "corral/#");
            cloud.cloud().integrations().store().create("alice", IntegrationJson.parseSpec("""
                    {"event": "temp", "type": "mqtt", "mqtt": {"broker": "%s",
                     "topic": "corral/{{PARTICLE_DEVICE_ID}}/{{PARTICLE_EVENT_NAME}}", "qos": 1}}"""
                    .formatted(broker.uri())));
            assertThat(device.publish("temp/kitchen", "21.5").getCode()).isEqualTo(ResponseCode.CHANGED);

            Received r = next();
            assertThat(r.topic()).isEqualTo("corral/" + device.id() + "/temp/kitchen");
            assertThat(new String(r.message().getPayload(), StandardCharsets.UTF_8)).isEqualTo("21.5");
            assertThat(r.message().getQos()).isEqualTo(1);
            assertThat(r.eventId()).matches("[0-9a-f]{16}");
            Await.until("the delivery is recorded", () -> cloud.cloud().integrations().stats().delivered() == 1);
        }
    }

    @Test
    void a_payload_template_and_retain_are_honoured() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir)) {
            cloud.cloud().integrations().store().create("alice", IntegrationJson.parseSpec("""
                    {"event": "state", "type": "mqtt", "mqtt": {"broker": "%s", "topic": "last/{{PARTICLE_EVENT_NAME}}",
                     "qos": 2, "retain": true,
                     "payload": "{\\"v\\": \\"{{PARTICLE_EVENT_VALUE}}\\", \\"at\\": \\"{{PARTICLE_PUBLISHED_AT}}\\"}"}}"""
                    .formatted(broker.uri())));
            assertThat(device.publish("state", "on").getCode()).isEqualTo(ResponseCode.CHANGED);
            Await.until("delivered", () -> cloud.cloud().integrations().stats().delivered() == 1);

            // Subscribed only now: a retained message still arrives.
            subscribe(broker, "last/#");
            Received r = next();
            assertThat(r.topic()).isEqualTo("last/state");
            assertThat(r.message().isRetained()).isTrue();
            assertThat(new String(r.message().getPayload(), StandardCharsets.UTF_8)).startsWith("{\"v\": \"on\", \"at\": \"");
        }
    }

    @Test
    void a_broker_that_is_down_gets_the_event_once_it_is_up() throws Exception {
        int port = Mosquitto.freePort();
        Integration mqtt = cloud.cloud().integrations().store().create("alice", IntegrationJson.parseSpec("""
                {"event": "temp", "type": "mqtt", "mqtt": {"broker": "tcp://127.0.0.1:%d", "topic": "t", "retain": true}}"""
                .formatted(port)));
        assertThat(device.publish("temp", "waiting").getCode()).isEqualTo(ResponseCode.CHANGED);
        DeliveryQueue queue = cloud.cloud().integrations().queue();
        Await.until("a failed try is logged", () -> !queue.recentAttempts(mqtt.id(), 1).isEmpty());
        Attempt failed = queue.recentAttempts(mqtt.id(), 1).get(0);
        assertThat(failed.outcome()).isEqualTo(Attempt.Outcome.RETRY);
        assertThat(failed.error()).startsWith("tcp://127.0.0.1:" + port + ": ");

        try (Mosquitto broker = Mosquitto.start(dir, port)) {
            // Retained, because the retry may reach the broker before this subscription does.
            subscribe(broker, "t");
            Received r = next();
            assertThat(new String(r.message().getPayload(), StandardCharsets.UTF_8)).isEqualTo("waiting");
        }
    }
}
