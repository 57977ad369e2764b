package io.corral.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.cloud.admission.AdmissionMode;
import io.corral.cloud.admission.AdmissionSettings;
import io.corral.cloud.testkit.CliRun;
import io.corral.cloud.testkit.TestCloud;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole experiment, small: a real cloud with a low static admission rate, a fleet of 200 RPK devices
 * provisioned through its API, a herd with a short network outage, and the JSON and HTML the run writes.
 */
class HerdEndToEndTest {
    private static CliRun corralSim(String... args) {
        return CliRun.execute(SimulatorCli.commandLine(), args);
    }

    private static final int DEVICES = 200;
    private static final int RATE = 50;
    private static final int BURST = 10;

    /** Every field docs/simulator.md documents, as JSON pointers into the result. */
    static final List<String> DOCUMENTED_FIELDS = List.of(
            "/format", "/scenario", "/started_at", "/devices", "/auth", "/settings/resume", "/settings/outage",
            "/settings/outage_duration", "/settings/keepalive",
            "/events/connect_phase_s", "/events/outage_start_s", "/events/heal_s", "/events/recovered_s",
            "/events/end_s", "/events/reference",
            "/recovery/devices_reconnected", "/recovery/devices_unaffected", "/recovery/devices_not_connected",
            "/recovery/time_to_50_percent_s", "/recovery/time_to_90_percent_s", "/recovery/time_to_99_percent_s",
            "/recovery/time_to_100_percent_s", "/recovery/connect_latency_ms",
            "/handshakes/attempted", "/handshakes/completed_full", "/handshakes/completed_resumed",
            "/handshakes/timed_out", "/handshakes/timed_out_begun_earlier", "/handshakes/refused",
            "/handshakes/failed_other",
            "/handshakes/latency_ms",
            "/cloud/metrics_url", "/cloud/admission_mode", "/cloud/admitted", "/cloud/deferred", "/cloud/completed",
            "/cloud/resumptions", "/cloud/abandoned", "/cloud/abandoned_percent", "/cloud/failed",
            "/cloud/peak_in_flight", "/cloud/cpu_seconds", "/cloud/cpu_percent",
            "/memory/heap_before_devices_bytes", "/memory/heap_after_connect_bytes", "/memory/heap_per_device_bytes",
            "/steady",
            "/series/t_s", "/series/connected", "/series/attempted", "/series/completed", "/series/timed_out",
            "/series/cloud_admitted", "/series/cloud_deferred", "/series/cloud_completed", "/series/cloud_abandoned",
            "/series/cloud_in_flight", "/series/cloud_queue_length", "/series/cloud_cpu_percent", "/series/cloud_rate",
            "/connect_latency_cdf");

    @TempDir
    Path dir;

    @Test
    void a_herd_reconnects_every_device_without_the_cloud_admitting_more_than_its_static_rate() throws Exception {
        // The deadline matches the devices' handshake timeout, so handshakes they gave up on end within the drain.
        AdmissionSettings admission = AdmissionSettings.builder().mode(AdmissionMode.STATIC).rate(RATE).burst(BURST)
                .handshakeDeadline(Duration.ofSeconds(5)).build();
        try (TestCloud cloud = TestCloud.builder().dataDir(dir.resolve("data")).http()
                .configure(b -> b.admission(admission)).start()) {
            Path fleet = dir.resolve("fleet");
            CliRun provisioned = corralSim("provision", "--devices", "" + DEVICES, "--cloud",
                    cloud.httpUri().toString(), "--token", cloud.token("sim"), "--out", fleet.toString(), "--batch",
                    "64");
            assertThat(provisioned.exit()).as(provisioned.err()).isZero();
            assertThat(provisioned.out()).contains("provisioned " + DEVICES + " rpk devices for owner sim");

            Path json = dir.resolve("herd.json");
            Path report = dir.resolve("herd.html");
            CliRun run = corralSim("run", "--fleet", fleet.toString(), "--scenario", "herd",
                    "--resume", "off", "--outage-duration", "3s", "--keepalive", "1s", "--ping-timeout", "1s",
                    "--handshake-timeout", "5s", "--backoff-base", "200ms", "--backoff-cap", "2s", "--settle", "1s",
                    "--ramp-rate", "200", "--drain", "8s", "--recovery-timeout", "90s", "--connect-timeout", "90s",
                    "--json", json.toString(), "--report", report.toString(), "--quiet");
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).contains("time to 100 %").contains("admission", "static");

            JsonNode result = new ObjectMapper().readTree(json.toFile());
            for (String field : DOCUMENTED_FIELDS) {
                assertThat(result.at(field).isMissingNode()).as("documented field %s", field).isFalse();
            }
            // Every device reconnected, with full handshakes since none resumes.
            assertThat(result.at("/recovery/devices_not_connected").asInt()).isZero();
            assertThat(result.at("/recovery/devices_reconnected").asInt()
                    + result.at("/recovery/devices_unaffected").asInt()).isEqualTo(DEVICES);
            assertThat(result.at("/recovery/time_to_100_percent_s").isNumber()).isTrue();
            assertThat(result.at("/handshakes/completed_resumed").asLong()).isZero();
            assertThat(result.at("/cloud/admission_mode").asText()).isEqualTo("static");
            // Up to a few handshakes admitted while the baseline scrape was on its way are not in "admitted".
            long reconnected = result.at("/recovery/devices_reconnected").asLong();
            assertThat(result.at("/cloud/admitted").asLong()).isGreaterThanOrEqualTo(
                    reconnected - Math.max(5, reconnected / 20));
            // Accounted for: admitted handshakes and ended ones (completed, abandoned, failed) agree, up to the few
            // still in flight at the last scrape or counted across its edge when the machine is busy.
            long admittedTotal = result.at("/cloud/admitted").asLong();
            long ended = result.at("/cloud/completed").asLong() + result.at("/cloud/abandoned").asLong()
                    + result.at("/cloud/failed").asLong();
            assertThat(Math.abs(admittedTotal - ended)).as("admitted %d vs ended %d", admittedTotal, ended)
                    .isLessThanOrEqualTo(Math.max(5, admittedTotal / 20));
            // In no window of the run did the cloud admit more than rate * t + burst. Each point's time is taken
            // when its scrape starts and its count when the cloud answers, so a window may be longer than it says
            // by up to one scrape's latency: allow a quarter of a second of admissions and one for rounding.
            JsonNode t = result.at("/series/t_s");
            JsonNode admitted = result.at("/series/cloud_admitted");
            for (int from = 0; from < t.size(); from++) {
                long sum = 0;
                for (int to = from + 1; to < t.size(); to++) {
                    sum += admitted.get(to).asLong();
                    double seconds = t.get(to).asDouble() - t.get(from).asDouble();
                    assertThat(sum).as("admitted between t=%s and t=%s", t.get(from), t.get(to))
                            .isLessThanOrEqualTo((long) Math.floor(RATE * (seconds + 0.25) + BURST + 1));
                }
            }
            assertThat(Files.readString(report)).contains("<img alt=\"Connected devices\" src=\"data:image/png;base64,")
                    .contains("Handshakes per second").contains("Connect latency distribution");

            CliRun compared = corralSim("compare", json.toString(), json.toString(), "--report",
                    dir.resolve("cmp.html").toString());
            assertThat(compared.exit()).as(compared.err()).isZero();
            assertThat(compared.out()).contains("time to 100 %");
            assertThat(dir.resolve("cmp.html")).exists();
        }
    }
}
