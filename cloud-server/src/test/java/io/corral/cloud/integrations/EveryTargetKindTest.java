package io.corral.cloud.integrations;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.events.Event;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.IntegrationJson;
import io.corral.cloud.integrations.model.IntegrationTarget;
import io.corral.cloud.integrations.model.MqttSettings;
import io.corral.cloud.integrations.model.WebhookSettings;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.HttpSink;
import io.corral.cloud.testkit.Mosquitto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of integration target, created from its JSON like the API does, kept by the SQLite store and read
 * back, reaches its own sender and a real destination: an HTTP receiver, a mosquitto broker. The hook events it
 * answers with come back onto the bus.
 */
class EveryTargetKindTest {
    @TempDir
    Path dir;
    private SqliteIntegrationDatabase db;
    private HttpSink sink;
    private Mosquitto broker;
    private Integrations integrations;
    private final List<Event> hooks = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        db = SqliteIntegrationDatabase.open(dir.resolve("data"));
        sink = HttpSink.start();
        broker = Mosquitto.start(dir);
        integrations = Integrations.builder().queue(db.queue()).store(db.integrations()).hookPublisher(hooks::add)
                .settings(WebhookIntegrationTest.FAST).build();
    }

    @AfterEach
    void stop() {
        integrations.close();
        db.close();
        sink.close();
        broker.close();
    }

    /**
     * The JSON of one integration of each kind, for events named {@code to-<type>}, sending to {@code webhookUrl}
     * and {@code brokerUri}. A kind the sealed interface permits without a case here fails the test.
     */
    private static Map<Class<?>, String> everyKind(String webhookUrl, String brokerUri) {
        Map<Class<?>, String> json = new LinkedHashMap<>();
        json.put(WebhookSettings.class, """
                {"event": "to-webhook", "type": "webhook", "webhook": {"url": "%s"}}""".formatted(webhookUrl));
        json.put(MqttSettings.class, """
                {"event": "to-mqtt", "type": "mqtt", "mqtt": {"broker": "%s", "topic": "corral/x", "qos": 1}}"""
                .formatted(brokerUri));
        assertThat(json.keySet()).as("a case for every kind of target")
                .containsExactlyInAnyOrder(IntegrationTarget.class.getPermittedSubclasses());
        return json;
    }

    /** Creates one integration per kind from its JSON; returns them by type name, as the store reads them back. */
    private Map<String, Integration> createEveryKind(String webhookUrl, String brokerUri) {
        Map<String, Integration> byType = new LinkedHashMap<>();
        everyKind(webhookUrl, brokerUri).forEach((kind, json) -> {
            Integration created = integrations.store().create("alice", IntegrationJson.parseSpec(json));
            Integration stored = integrations.store().find(created.id()).orElseThrow();
            assertThat(stored.spec()).as("stored and read back").isEqualTo(created.spec());
            assertThat(stored.spec().target()).isInstanceOf(kind);
            byType.put(stored.type(), stored);
        });
        return byType;
    }

    private void publishTo(Iterable<String> types) {
        for (String type : types) {
            integrations.handOff(Event.create("to-" + type, "21.5".getBytes(StandardCharsets.UTF_8),
                    Event.TEXT_PLAIN, 60, "0123456789abcdef01234567", "alice")).join();
        }
    }

    private List<String> hookNames() {
        return hooks.stream().map(Event::name).toList();
    }

    @Test
    void every_kind_of_target_goes_from_its_json_to_its_destination() throws Exception {
        sink.respondWith(request -> HttpSink.Answer.ok("thanks"));
        Map<String, Integration> byType = createEveryKind(sink.url("/in"), broker.uri());
        publishTo(byType.keySet());

        Await.until("every kind delivered", () -> integrations.stats().delivered() == byType.size());
        HttpSink.Received request = sink.next();
        assertThat(request.path()).isEqualTo("/in");
        assertThat(request.body()).contains("21.5");
        Await.until("the hook events are out", () -> hookNames().containsAll(List.of("hook-sent/to-webhook",
                "hook-sent/to-mqtt", "hook-response/to-webhook/0")));
        assertThat(hookNames()).as("a broker's acknowledgement has no body to answer with")
                .noneMatch(name -> name.startsWith("hook-response/to-mqtt"));
        Event response = hooks.stream().filter(e -> e.name().equals("hook-response/to-webhook/0")).findFirst()
                .orElseThrow();
        assertThat(new String(response.data(), StandardCharsets.UTF_8)).isEqualTo("thanks");
    }

    @Test
    void every_kind_of_target_reports_a_failed_try_on_its_error_topic() {
        sink.respondWith(request -> new HttpSink.Answer(500, "down", Duration.ZERO));
        String nobodyListens = "tcp://127.0.0.1:" + Mosquitto.freePort();
        Map<String, Integration> byType = createEveryKind(sink.url("/in"), nobodyListens);
        publishTo(byType.keySet());

        List<String> errorTopics = byType.keySet().stream().map(type -> "hook-error/to-" + type).toList();
        Await.until("a failed try of every kind is reported", () -> hookNames().containsAll(errorTopics));
        assertThat(integrations.stats().delivered()).isZero();
    }
}
