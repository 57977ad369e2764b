package io.corral.simulator.run;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The cloud's {@code GET /metrics}, read as Prometheus text. Only what the simulator reports is kept: each
 * metric summed over its labels, plus the series with one label value picked out.
 */
final class CloudMetrics {
    private final URI url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    CloudMetrics(URI cloud) {
        this.url = cloud.resolve("/metrics");
    }

    URI url() {
        return url;
    }

    /** One scrape: metric name (and {@code name{label="value"}} for single-label picks) to value. */
    record Sample(long atNanos, Map<String, Double> values) {
        double get(String name) {
            return values.getOrDefault(name, 0.0);
        }

        boolean has(String name) {
            return values.containsKey(name);
        }

        /** Every admitted handshake, full and resumed. */
        double admitted() {
            return get("corral_dtls_hellos_admitted_total");
        }

        double deferred() {
            return get("corral_dtls_hellos_deferred_total");
        }

        double completed() {
            return get("corral_dtls_handshakes_completed_total");
        }

        double resumptions() {
            return get("corral_dtls_handshakes_completed_total{kind=\"resumption\"}");
        }

        double abandoned() {
            return get("corral_dtls_handshakes_abandoned_total");
        }

        double failed() {
            return get("corral_dtls_handshakes_failed_total");
        }

        /** Full-handshake hellos waiting in the cloud's admission queue. */
        double queueLength() {
            return get("corral_admission_queue_length");
        }

        double inFlight() {
            return get("corral_dtls_handshakes_in_flight");
        }

        /** Admitted handshakes not ended yet (stalled ones included): 0 once every outcome is counted. */
        double open() {
            return get("corral_dtls_handshakes_open");
        }

        double cpuSeconds() {
            return get("process_cpu_time_ns_total") / 1e9;
        }

        double rate() {
            return get("corral_admission_rate");
        }

        String admissionMode() {
            for (String mode : new String[] {"off", "static", "adaptive"}) {
                if (get("corral_admission_mode{mode=\"" + mode + "\"}") > 0) {
                    return mode;
                }
            }
            return "unknown";
        }
    }

    /** @throws IOException if the cloud does not answer, or not with metrics */
    Sample scrape() throws IOException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while scraping " + url, e);
        }
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered " + response.statusCode());
        }
        return new Sample(System.nanoTime(), parse(response.body()));
    }

    /** Prometheus text: {@code name{label="value",...} number}, comments start with '#'. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> values = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space <= 0) {
                continue;
            }
            double value;
            try {
                value = Double.parseDouble(line.substring(space + 1).strip());
            } catch (NumberFormatException e) {
                continue;
            }
            String series = line.substring(0, space).strip();
            int brace = series.indexOf('{');
            String name = brace < 0 ? series : series.substring(0, brace);
            values.merge(name, value, Double::sum);
            if (brace >= 0) {
                String labels = series.substring(brace + 1, series.length() - 1);
                for (String label : labels.split(",")) {
                    if (!label.isBlank()) {
                        values.merge(name + "{" + label.strip() + "}", value, Double::sum);
                    }
                }
            }
        }
        return values;
    }
}
