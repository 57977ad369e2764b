package io.corral.cloud.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.testkit.ApiClient.Response;
import io.corral.device.Device;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics}: the cloud's meters in the Prometheus text format, for any scraper. */
class MetricsApiTest extends ApiCloudTest {

    @Test
    void metrics_are_prometheus_text_without_a_token_and_count_what_devices_do() {
        Device device = cloud.device(api.provision(cloud.token("alice"), "{\"name\":\"lamp\"}"));
        device.connect();

        Response metrics = api.get(null, "/metrics");

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.raw().headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(metrics.body())
                .contains("corral_dtls_hellos_total{kind=\"cheap\"} 1.0")
                .contains("corral_dtls_hellos_admitted_total{kind=\"full\"} 1.0")
                .contains("corral_dtls_handshakes_completed_total{kind=\"full\"} 1.0")
                .contains("corral_dtls_handshakes_in_flight 0.0")
                .contains("corral_dtls_handshakes_abandoned_total 0.0")
                .contains("corral_dtls_hellos_deferred_total{kind=\"full\",reason=\"rate\"} 0.0")
                .contains("corral_devices_connected 1.0")
                .contains("corral_admission_rate ")
                .contains("process_cpu_time_ns_total ");
    }
}
