package io.corral.cloud.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.cloud.config.Setting;
import io.corral.cloud.config.SettingValues;
import io.corral.cloud.integrations.IntegrationSettings;
import io.corral.cloud.testkit.CliRun;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code corral-cloud run} and {@code config show} with settings from flags, {@code CORRAL_*} variables and a
 * {@code --config} file: precedence, the example file, and a precise, non-zero exit for a bad key, a bare-number
 * duration and a value out of range, before anything is initialised.
 */
class SettingsCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The checked-in example, from the module directory the tests run in. */
    private static final Path EXAMPLE = Path.of("..", "docs", "corral.properties.example");
    private static final String[] LOOPBACK = {"--coap-host", "127.0.0.1", "--coap-port", "0", "--http-host",
            "127.0.0.1", "--http-port", "0"};

    @TempDir
    Path tmp;

    /** {@code corral-cloud ARGS} with {@code env} as its environment. */
    private static CliRun cli(Map<String, String> env, String... args) {
        return CliRun.execute(CloudCli.commandLine(env), args);
    }

    private Path data() {
        return tmp.resolve("data");
    }

    private Path file(String text) throws Exception {
        return Files.writeString(Files.createTempFile(tmp, "corral", ".properties"), text);
    }

    /** {@code run} that must refuse to start: exit 2, one error line, nothing initialised. */
    private String refused(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of("run", "--data", data().toString()));
        all.addAll(List.of(args));
        CliRun run = cli(env, all.toArray(String[]::new));
        assertThat(run.exit()).as(run.err()).isEqualTo(CloudCli.EXIT_USAGE);
        assertThat(data()).as("nothing initialised for a bad setting").doesNotExist();
        return run.err();
    }

    @Test
    void a_bad_key_exits_non_zero_naming_the_key_and_the_nearest_known_one() throws Exception {
        Path config = file("admision.mode=static\n");
        assertThat(refused(Map.of(), "--config", config.toString())).isEqualTo("error: unknown key 'admision.mode' in "
                + config + "; the nearest known key is 'admission.mode'\n");
        assertThat(refused(Map.of("CORRAL_INTEGRATIONS_WORKRS", "1"))).isEqualTo("error: unknown setting "
                + "CORRAL_INTEGRATIONS_WORKRS in the environment; the nearest known one is CORRAL_INTEGRATIONS_WORKERS "
                + "(integrations.workers)\n");
        Path scandium = file("dtls.scandium.DTLS_RECEIVER_THREAD_CONT=2\n");
        assertThat(refused(Map.of(), "--config", scandium.toString())).isEqualTo("error: "
                + "dtls.scandium.DTLS_RECEIVER_THREAD_CONT in " + scandium + ": 'DTLS_RECEIVER_THREAD_CONT' is not a "
                + "Scandium or Californium setting; the nearest is 'DTLS_RECEIVER_THREAD_COUNT'\n");
        assertThat(refused(Map.of("CORRAL_DTLS_SCANDIUM_DTLS_ROLE", "CLIENT_ONLY"))).isEqualTo("error: "
                + "CORRAL_DTLS_SCANDIUM_DTLS_ROLE: DTLS_ROLE is set by the Corral profile (to SERVER_ONLY) and cannot "
                + "be changed\n");
    }

    @Test
    void a_bare_number_duration_exits_non_zero_showing_the_syntax() throws Exception {
        String syntax = "'30' is not a duration: a number needs a unit; use a number with ms, s, m or h, like 250ms, "
                + "5s, 2m or 1h";
        assertThat(refused(Map.of(), "--handshake-deadline", "30"))
                .startsWith("error: Invalid value for option '--handshake-deadline': " + syntax + "\n");
        Path config = file("dtls.handshake-deadline=30\n");
        assertThat(refused(Map.of(), "--config", config.toString()))
                .isEqualTo("error: Invalid value for dtls.handshake-deadline in " + config + ": " + syntax + "\n");
        assertThat(refused(Map.of("CORRAL_ADMISSION_QUEUE_WAIT", "30")))
                .isEqualTo("error: Invalid value for CORRAL_ADMISSION_QUEUE_WAIT: " + syntax + "\n");
        assertThat(refused(Map.of("CORRAL_DTLS_SCANDIUM_DTLS_RETRANSMISSION_TIMEOUT", "30")))
                .isEqualTo("error: CORRAL_DTLS_SCANDIUM_DTLS_RETRANSMISSION_TIMEOUT: " + syntax + "\n");
    }

    @Test
    void a_value_out_of_range_exits_non_zero_naming_the_flag_or_key_the_value_the_range_and_the_unit()
            throws Exception {
        assertThat(refused(Map.of(), "--admission-rate", "0"))
                .isEqualTo("error: --admission-rate must be in [1, 100000], was 0 (per second)\n");
        Path config = file("integrations.lease-time=1s\nadmission.in-flight=8\n");
        assertThat(refused(Map.of(), "--config", config.toString())).isEqualTo("error: integrations.lease-time in "
                + config + " must be in [5 s, 1 h], was 1 s\n");
        // A range that follows another setting names the value's own source, whichever source set the other.
        Path inFlight = file("admission.in-flight=8\n");
        assertThat(refused(Map.of("CORRAL_ADMISSION_PER_SOURCE", "9"), "--config", inFlight.toString()))
                .isEqualTo("error: CORRAL_ADMISSION_PER_SOURCE must be in [1, 8], was 9\n");
        assertThat(refused(Map.of("CORRAL_INTEGRATIONS_RETRY_MAX_DELAY", "1s")))
                .isEqualTo("error: CORRAL_INTEGRATIONS_RETRY_MAX_DELAY must be in [5 s, 24 h], was 1 s\n");
        assertThat(refused(Map.of(), "--coap-port", "70000"))
                .startsWith("error: Invalid value for option '--coap-port': port must be in [0, 65535], was 70000\n");
        CliRun both = cli(Map.of(), "run", "--storage", "sqlite:" + data(), "--data", data().toString());
        assertThat(both.exit()).isEqualTo(CloudCli.EXIT_USAGE);
        assertThat(both.err()).startsWith("error: --data and --storage both given");
        assertThat(refused(Map.of(), "--storage", "disk")).startsWith("error: Invalid value for option '--storage': "
                + "'disk' is not a storage: use sqlite:DIR or memory");
    }

    @Test
    void config_show_prints_every_key_with_its_value_default_and_source() throws Exception {
        Path config = file("admission.mode=static\nadmission.rate=50\nintegrations.lease-time=5m\n"
                + "dtls.scandium.DTLS_RECEIVER_THREAD_COUNT=3\n");
        CliRun show = cli(Map.of("CORRAL_ADMISSION_RATE", "70", "CORRAL_JAVA_OPTS", "-Xmx1g", "CORRAL_SIM_KEEPALIVE", "5s"),
                "config", "show", "--config", config.toString(), "--admission-rate", "90", "--data",
                data().toString(), "--page-routing-key", "s3cret");

        assertThat(show.exit()).as(show.err()).isZero();
        Map<String, List<String>> rows = show.out().lines().skip(1)
                .collect(Collectors.toMap(l -> l.split("\\s+")[0], l -> List.of(l.split("\\s+")).subList(1, 4)));
        assertThat(show.out().lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("KEY", "VALUE", "DEFAULT", "SOURCE");
        assertThat(rows.get("admission.rate")).containsExactly("90", "200", "flag");
        assertThat(rows.get("admission.mode")).containsExactly("static", "adaptive", "file");
        assertThat(rows.get("integrations.lease-time")).containsExactly("5m", "2m", "file");
        assertThat(rows.get("integrations.workers")).containsExactly("2", "2", "default");
        assertThat(rows.get("storage")).containsExactly("sqlite:" + data(), "sqlite:corral-data", "flag");
        assertThat(rows.get("admission.per-source")).as("a default that follows another setting, as it comes to")
                .containsExactly("256", "in-flight", "/");
        assertThat(rows.get("alerting.page-routing-key")).containsExactly("(hidden)", "corral", "flag");
        assertThat(rows.get("dtls.scandium.DTLS_RECEIVER_THREAD_COUNT")).containsExactly("3", "1", "file");
        assertThat(rows.keySet()).containsAll(CloudSetup.CATALOGUE.settings().stream().map(Setting::key).toList());

        CliRun env = cli(Map.of("CORRAL_ADMISSION_RATE", "70"), "config", "show", "--json", "--config", config.toString());
        JsonNode rate = null;
        for (JsonNode row : JSON.readTree(env.out())) {
            rate = row.get("key").asText().equals("admission.rate") ? row : rate;
        }
        assertThat(rate).isNotNull();
        assertThat(rate.get("value").asText()).isEqualTo("70");
        assertThat(rate.get("default").asText()).isEqualTo("200");
        assertThat(rate.get("source").asText()).isEqualTo("env");
        assertThat(data()).as("config show opens nothing").doesNotExist();
    }

    @Test
    void config_show_refuses_what_run_refuses() throws Exception {
        CliRun show = cli(Map.of(), "config", "show", "--config", file("admission.rate=0\n").toString());
        assertThat(show.exit()).isEqualTo(CloudCli.EXIT_USAGE);
        assertThat(show.err()).contains("admission.rate in ").contains(" must be in [1, 100000], was 0 (per second)");
    }

    @Test
    void the_checked_in_example_is_what_the_definitions_make() throws Exception {
        CliRun example = cli(Map.of(), "config", "example");
        assertThat(example.exit()).isZero();
        assertThat(Files.readString(EXAMPLE)).as("docs/corral.properties.example is out of date; regenerate it with "
                + "'corral-cloud config example > docs/corral.properties.example'").isEqualTo(example.out());
        for (Setting<?> setting : CloudSetup.CATALOGUE.settings()) {
            assertThat(example.out()).contains("\n" + (setting.defaultValue() == null ? "#" : "") + setting.key() + "=");
        }
    }

    @Test
    void every_integration_setting_is_reachable_through_its_key() throws Exception {
        Path config = file("""
                integrations.workers=5
                integrations.batch-size=10
                integrations.lease-time=3m
                integrations.poll-interval=250ms
                integrations.hang-timeout=2m
                integrations.max-in-flight=100
                integrations.destination.max-connections=8
                integrations.destination.max-queued=50
                integrations.http-threads=8
                integrations.connect-timeout=2s
                integrations.idle-timeout=1m
                integrations.max-response-bytes=1024
                integrations.mqtt-timeout=10s
                integrations.retry.initial-delay=1s
                integrations.retry.max-delay=10m
                integrations.retry.for=2h
                integrations.breaker.threshold=3
                integrations.breaker.open=2s
                integrations.breaker.max-open=30s
                integrations.fd.high-water=0.9
                integrations.fd.low-water=0.5
                integrations.fd.interval=5s
                integrations.index-refresh=2s
                """);
        IntegrationSettings s = CloudSetup.of(SettingValues.resolve(CloudSetup.CATALOGUE, Map.of(), Map.of(), config))
                .integrations();
        assertThat(List.of(s.workers(), s.batchSize(), s.maxInFlight(), s.maxConnectionsPerDestination(),
                s.maxQueuedPerDestination(), s.httpThreads(), s.maxResponseBytes(), s.breakerThreshold()))
                .containsExactly(5, 10, 100, 8, 50, 8, 1024, 3);
        assertThat(List.of(s.leaseTime(), s.pollInterval(), s.hangTimeout(), s.connectTimeout(), s.idleTimeout(),
                s.mqttTimeout(), s.retry().initialDelay(), s.retry().maxDelay(), s.retry().retryFor(), s.breakerOpen(),
                s.breakerMaxOpen(), s.fdInterval(), s.indexRefresh()))
                .containsExactly(Duration.ofMinutes(3), Duration.ofMillis(250), Duration.ofMinutes(2),
                        Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(1),
                        Duration.ofMinutes(10), Duration.ofHours(2), Duration.ofSeconds(2), Duration.ofSeconds(30),
                        Duration.ofSeconds(5), Duration.ofSeconds(2));
        assertThat(List.of(s.fdHighWater(), s.fdLowWater())).containsExactly(0.9, 0.5);
    }

    @Test
    void run_starts_with_the_example_file_and_prints_the_banner() throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--config", EXAMPLE.toString(), "--data",
                data().toString()));
        args.addAll(List.of(LOOPBACK));
        String banner = running(Map.of(), "stop with Ctrl-C", args, printed -> {
        });
        List<String> lines = banner.lines().toList();
        assertThat(lines.get(0)).isEqualTo("initialised " + data());
        assertThat(lines.get(1)).isEqualTo("corral-cloud 0.1.0");
        assertThat(lines.get(2)).matches("DTLS on coaps://127\\.0\\.0\\.1:\\d+ \\(UDP\\)");
        assertThat(lines.get(3)).matches("HTTP API on http://127\\.0\\.0\\.1:\\d+ .*");
        assertThat(lines.get(4)).matches("cloud public key: [A-Za-z0-9+/=]{80,}");
        assertThat(lines.get(5)).isEqualTo("storage: sqlite:" + data());
        assertThat(lines.get(6)).isEqualTo("admission: adaptive");
        assertThat(lines).last().isEqualTo("stop with Ctrl-C or SIGTERM");
    }

    @Test
    void run_json_prints_the_banner_as_one_json_line_and_scandium_settings_reach_the_connector() throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--json", "--data", data().toString(), "--admission",
                "static"));
        args.addAll(List.of(LOOPBACK));
        List<String> receivers = new ArrayList<>();
        String out = running(Map.of("CORRAL_DTLS_SCANDIUM_DTLS_RECEIVER_THREAD_COUNT", "3"), "}", args, printed -> {
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                receivers.add(thread.getName());
            }
        });
        assertThat(out.lines().count()).as(out).isEqualTo(1);
        JsonNode line = JSON.readTree(out);
        assertThat(line.get("version").asText()).isEqualTo("0.1.0");
        int port = line.get("dtls_port").asInt();
        assertThat(line.get("dtls").asText()).isEqualTo("coaps://127.0.0.1:" + port);
        assertThat(line.get("http").asText()).isEqualTo("http://127.0.0.1:" + line.get("http_port").asInt());
        assertThat(line.get("public_key").asText()).hasSizeGreaterThan(80);
        assertThat(line.get("storage").asText()).isEqualTo("sqlite:" + data());
        assertThat(line.get("admission").asText()).isEqualTo("static");
        assertThat(line.get("initialised").asBoolean()).isTrue();
        assertThat(receivers).as("Scandium's receiver threads of this endpoint")
                .filteredOn(name -> name.startsWith("DTLS-Receiver-") && name.endsWith(":" + port)).hasSize(3);
    }

    @Test
    void run_on_memory_storage_serves_the_api_with_the_admin_token_of_its_banner() throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--json", "--storage", "memory"));
        args.addAll(List.of(LOOPBACK));
        List<HttpResponse<String>> answers = new ArrayList<>();
        String out = running(Map.of(), "}", args, printed -> {
            try {
                JsonNode banner = JSON.readTree(printed);
                URI devices = URI.create(banner.get("http").asText() + "/v1/devices");
                HttpClient http = HttpClient.newHttpClient();
                for (String token : List.of(banner.get("admin_token").asText(), "not-a-token")) {
                    answers.add(http.send(HttpRequest.newBuilder(devices)
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("name=kitchen&owner=alice")).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        JsonNode banner = JSON.readTree(out);
        assertThat(banner.get("storage").asText()).isEqualTo("memory");
        assertThat(banner.get("admin_token").asText()).hasSize(43);
        assertThat(answers.get(0).statusCode()).as(answers.get(0).body()).isEqualTo(201);
        JsonNode device = JSON.readTree(answers.get(0).body());
        assertThat(device.get("owner").asText()).isEqualTo("alice");
        assertThat(device.get("credentials").get("cloud_public_key").asText())
                .isEqualTo(banner.get("public_key").asText());
        assertThat(answers.get(1).statusCode()).isEqualTo(401);
    }

    /**
     * Runs {@code corral-cloud ARGS} on a thread until its output contains {@code ready}, runs {@code whileUp},
     * then stops it the way a signal would (its wait is interrupted) and returns what it printed until then.
     */
    private static String running(Map<String, String> env, String ready, List<String> args,
                                  Consumer<String> whileUp)
            throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread run = Thread.ofPlatform().name("corral-cloud-run").start(() -> exit.set(CloudCli.commandLine(env)
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args.toArray(String[]::new))));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!out.toString().contains(ready) && run.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        String printed = out.toString();
        try {
            assertThat(printed).as("the cloud did not start; exit %s, stderr %s", exit.get(), err).contains(ready);
            whileUp.accept(printed);
        } finally {
            run.interrupt();
            run.join(Duration.ofSeconds(30));
        }
        return printed;
    }
}
