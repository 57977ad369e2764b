package io.corral.cloud.cli;

import static io.corral.cloud.testkit.CliRun.corralCloud;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.testkit.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code corral-cloud integration ...} against a real data dir. */
class IntegrationCliTest {
    private static final Pattern CREATED = Pattern.compile("created (int_[0-9a-f]{16}): ");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private String data;

    @BeforeEach
    void initWithAnOwner() {
        data = CliRun.initialised(tmp.resolve("data"));
        assertThat(corralCloud("device", "create", "--data", data, "--owner", "alice", "--psk", "--out",
                tmp.resolve("d.json").toString()).exit()).isZero();
    }

    private String create(String... extra) {
        String[] args = new String[6 + extra.length];
        System.arraycopy(new String[] {"integration", "create", "--data", data, "--owner", "alice"}, 0, args, 0, 6);
        System.arraycopy(extra, 0, args, 6, extra.length);
        CliRun run = corralCloud(args);
        assertThat(run.exit()).as(run.err()).isZero();
        Matcher m = CREATED.matcher(run.out());
        assertThat(m.find()).as(run.out()).isTrue();
        return m.group(1);
    }

    @Test
    void create_a_webhook_with_options_and_see_it_in_list_and_show() throws Exception {
        String id = create("--event", "temp", "--webhook", "https://example.com/in/{{PARTICLE_DEVICE_ID}}",
                "--header", "X-Key=abc", "--json", "{\"v\": \"{{PARTICLE_EVENT_VALUE}}\"}", "--auth", "u:secret",
                "--timeout", "5s", "--name", "mine");

        CliRun list = corralCloud("integration", "list", "--data", data);
        assertThat(list.out()).contains(id).contains("alice").contains("webhook").contains("enabled")
                .contains("'temp'").contains("webhook POST https://example.com/in/{{PARTICLE_DEVICE_ID}}");

        JsonNode shown = JSON.readTree(corralCloud("integration", "show", "--data", data, id).out());
        assertThat(shown.get("name").asText()).isEqualTo("mine");
        assertThat(shown.get("webhook").get("headers").get("X-Key").asText()).isEqualTo("abc");
        assertThat(shown.get("webhook").get("json").get("v").asText()).isEqualTo("{{PARTICLE_EVENT_VALUE}}");
        assertThat(shown.get("webhook").get("auth").get("password").asText()).isEqualTo("********");
        assertThat(shown.get("webhook").get("timeout_seconds").asDouble()).isEqualTo(5.0);
        assertThat(shown.get("queue").get("dead").asInt()).isZero();

        JsonNode listed = JSON.readTree(corralCloud("integration", "list", "--data", data, "--owner", "alice", "--json").out());
        assertThat(listed).hasSize(1);
    }

    @Test
    void create_an_mqtt_integration_and_from_a_file() throws Exception {
        String mqtt = create("--event", "", "--mqtt", "tcp://127.0.0.1:1883", "--topic", "corral/{{PARTICLE_EVENT_NAME}}",
                "--qos", "2", "--retain");
        JsonNode shown = JSON.readTree(corralCloud("integration", "show", "--data", data, mqtt).out());
        assertThat(shown.get("mqtt").get("qos").asInt()).isEqualTo(2);
        assertThat(shown.get("mqtt").get("retain").asBoolean()).isTrue();
        assertThat(shown.get("mqtt").get("client_id").asText()).isEqualTo("corral-" + mqtt);

        Path file = tmp.resolve("hook.json");
        Files.writeString(file, "{\"event\": \"t\", \"type\": \"webhook\", \"webhook\": {\"url\": \"http://h/x\"}}");
        String fromFile = create("--file", file.toString());
        assertThat(corralCloud("integration", "list", "--data", data).out()).contains(mqtt).contains(fromFile);
    }

    @Test
    void a_bad_setting_exits_2_naming_the_field_and_nothing_is_created() {
        CliRun run = corralCloud("integration", "create", "--data", data, "--owner", "alice", "--event", "temp",
                "--webhook", "https://example.com/{{PARTICLE_EVENT_NAME");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("error: webhook.url: invalid mustache template: tag '{{PARTICLE_EVENT_NAME' "
                + "at character 20 is not closed with }}\n");

        run = corralCloud("integration", "create", "--data", data, "--owner", "alice", "--event", "temp",
                "--mqtt", "tcp://b:1883", "--topic", "t", "--header", "X=1");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("error: an option given applies to --webhook integrations only (see --help)\n");

        run = corralCloud("integration", "create", "--data", data, "--owner", "alice", "--event", "temp");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("error: give exactly one of --webhook URL and --mqtt BROKER\n");

        run = corralCloud("integration", "create", "--data", data, "--owner", "nobody", "--event", "t", "--webhook", "http://h");
        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.err()).isEqualTo("error: unknown owner 'nobody'; owners come with their first device "
                + "(corral-cloud device create)\n");

        assertThat(corralCloud("integration", "list", "--data", data).out()).isEqualTo("no integrations\n");
    }

    @Test
    void pause_resume_replay_attempts_and_delete() {
        String id = create("--event", "temp", "--webhook", "http://127.0.0.1:9/in");
        assertThat(corralCloud("integration", "pause", "--data", data, id).out()).isEqualTo("paused " + id
                + " (0 deliveries held)\n");
        assertThat(corralCloud("integration", "list", "--data", data).out()).contains("paused");
        assertThat(corralCloud("integration", "resume", "--data", data, id).out()).isEqualTo("resumed " + id + "\n");
        assertThat(corralCloud("integration", "attempts", "--data", data, id).out()).isEqualTo("no attempts yet\n");
        assertThat(corralCloud("integration", "dead-letters", "--data", data, id).out()).isEqualTo("no dead letters\n");
        assertThat(corralCloud("integration", "replay", "--data", data, id, "--all").out())
                .isEqualTo("replayed 0 dead letters of " + id + "\n");
        CliRun missing = corralCloud("integration", "replay", "--data", data, id, "--delivery", "42");
        assertThat(missing.exit()).isEqualTo(3);
        assertThat(missing.err()).isEqualTo("error: integration " + id + " has no delivery 42 (delivered ones are "
                + "not kept)\n");

        assertThat(corralCloud("integration", "delete", "--data", data, id).out()).isEqualTo("deleted " + id + "\n");
        CliRun gone = corralCloud("integration", "show", "--data", data, id);
        assertThat(gone.exit()).isEqualTo(3);
        assertThat(gone.err()).isEqualTo("error: no integration " + id + "; see: corral-cloud integration list\n");
        try (SqliteIntegrationDatabase db = SqliteIntegrationDatabase.open(tmp.resolve("data"))) {
            assertThat(db.integrations().listAll()).isEmpty();
        }
    }

    @Test
    void update_replaces_the_settings() {
        String id = create("--event", "temp", "--webhook", "http://127.0.0.1:9/in");
        CliRun run = corralCloud("integration", "update", "--data", data, id, "--event", "humidity", "--webhook",
                "http://127.0.0.1:9/h", "--method", "PUT");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("updated " + id + " (version 2)\n");
        assertThat(corralCloud("integration", "list", "--data", data).out()).contains("'humidity'").contains("webhook PUT");
    }

    @Test
    void worker_refuses_zero_workers_and_an_uninitialised_dir() {
        CliRun zero = corralCloud("worker", "--data", data, "--workers", "0");
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.err()).isEqualTo("error: --workers must be in [1, 64] for a worker process, was 0\n");
        CliRun many = corralCloud("worker", "--data", data, "--workers", "65");
        assertThat(many.exit()).isEqualTo(2);
        assertThat(many.err()).isEqualTo("error: --workers must be in [0, 64], was 65\n");
        CliRun fresh = corralCloud("worker", "--data", tmp.resolve("nothing").toString());
        assertThat(fresh.exit()).isEqualTo(3);
        assertThat(fresh.err()).startsWith("error: data dir ").contains("is not initialised");
    }
}
