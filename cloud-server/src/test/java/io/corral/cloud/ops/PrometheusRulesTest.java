package io.corral.cloud.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus version of the rules in {@code scripts/prometheus/}: valid for {@code promtool}, covered by its
 * unit tests, and in step with the built-in rules. Fails, never skips, without {@code promtool}: {@code .ci/run}
 * installs it (Debian package {@code prometheus}).
 */
class PrometheusRulesTest {
    private static final Path DIR = repoRoot().resolve("scripts/prometheus");

    private static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("scripts/prometheus"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new AssertionError("no scripts/prometheus above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static String promtool(String... args) throws IOException, InterruptedException {
        Path binary = List.of("/usr/bin/promtool", "/usr/local/bin/promtool").stream().map(Path::of)
                .filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new AssertionError("promtool is missing: install the Debian package 'prometheus'"
                        + " (apt-get install prometheus); .ci/run does this"));
        List<String> command = new java.util.ArrayList<>(List.of(binary.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void rules_file_passes_promtool_check_rules() throws Exception {
        assertThat(promtool("check", "rules", "corral-rules.yml")).contains("SUCCESS");
    }

    @Test
    void rules_behave_as_their_promtool_unit_tests_say() throws Exception {
        assertThat(promtool("test", "rules", "corral-rules.test.yml")).contains("SUCCESS");
    }

    @Test
    void every_built_in_rule_has_a_prometheus_rule_with_the_same_route() throws IOException {
        String rules = Files.readString(DIR.resolve("corral-rules.yml"));
        for (RuleId id : RuleId.values()) {
            String labels = "route: " + id.defaultRoute().wireName() + ", rule: " + id.key() + ",";
            assertThat(rules).as(id.key()).contains(labels);
        }
    }

    @Test
    void grafana_dashboard_is_json_and_plots_the_alerted_metrics() throws IOException {
        var dashboard = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(DIR.resolve("corral-dashboard.json").toFile());
        assertThat(dashboard.path("title").asText()).isEqualTo("Corral cloud");
        String text = dashboard.toString();
        assertThat(text).contains("corral_devices_connected", "corral_integrations_oldest_pending_seconds",
                "process_files_open_files", "corral_dtls_hellos_deferred_total", "corral_events_published_total");
    }
}
