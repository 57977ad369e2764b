package io.corral.simulator.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pieces of a run that need no cloud: durations, settings, the metrics parser, source addresses. */
class RunPartsTest {

    @Test
    void durations_read_as_people_write_them_and_print_back_the_same_way() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThatThrownBy(() -> Durations.parse("-1s")).hasMessageContaining("is not a duration");
    }

    @Test
    void settings_default_to_the_sdk_backoff_and_name_the_flag_of_a_bad_value() {
        RunSettings settings = RunSettings.builder(Scenario.HERD).build();
        assertThat(settings.backoffBase()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.backoffCap()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.outage()).isEqualTo(OutageKind.NETWORK);
        assertThatThrownBy(() -> RunSettings.builder(Scenario.STEADY).steady(Duration.ofSeconds(5),
                Duration.ofMillis(10), 1).build()).hasMessage("--publish-interval must be in [100ms, 1h], was 10ms");
        assertThatThrownBy(() -> RunSettings.builder(Scenario.RAMP).rampRate(Double.NaN).build())
                .hasMessage("--ramp-rate must be in [0, 100000], was NaN");
    }

    @Test
    void prometheus_text_is_summed_over_labels_and_kept_per_label_too() {
        Map<String, Double> values = CloudMetrics.parse("""
                # HELP corral_dtls_hellos_admitted_total handshakes admitted
                # TYPE corral_dtls_hellos_admitted_total counter
                corral_dtls_hellos_admitted_total{kind="full"} 12.0
                corral_dtls_hellos_admitted_total{kind="resumption"} 3.0
                corral_admission_mode{mode="static"} 1.0
                process_cpu_time_ns_total 2.5E9
                not a metric line
                """);
        assertThat(values).containsEntry("corral_dtls_hellos_admitted_total", 15.0)
                .containsEntry("corral_dtls_hellos_admitted_total{kind=\"resumption\"}", 3.0)
                .containsEntry("process_cpu_time_ns_total", 2.5e9);
        CloudMetrics.Sample sample = new CloudMetrics.Sample(0, values);
        assertThat(sample.admissionMode()).isEqualTo("static");
        assertThat(sample.cpuSeconds()).isEqualTo(2.5);
    }

    @Test
    void devices_spread_over_loopback_addresses_past_the_last_octet() {
        assertThat(VirtualFleet.loopback(0).getHostAddress()).isEqualTo("127.0.0.2");
        assertThat(VirtualFleet.loopback(249).getHostAddress()).isEqualTo("127.0.0.251");
        assertThat(VirtualFleet.loopback(250).getHostAddress()).isEqualTo("127.0.1.2");
        assertThat(VirtualFleet.loopback(0).isLoopbackAddress()).isTrue();
    }
}
