package io.corral.cloud.e2e;

import static io.corral.cloud.testkit.PageReceiver.pagerDuty;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.cloud.Cloud;
import io.corral.cloud.admission.AdmissionMode;
import io.corral.cloud.admission.AdmissionSettings;
import io.corral.cloud.ops.AlertConfig;
import io.corral.cloud.ops.AlertConfigException;
import io.corral.cloud.testkit.PageReceiver;
import io.corral.cloud.ops.Route;
import io.corral.cloud.ops.RuleId;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.TestCloud;
import io.corral.device.Device;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in alerting of a real cloud: real SDK devices, the real status page over HTTP, a real page receiver. */
class AlertingEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    private HttpResponse<String> get(Cloud cloud, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + cloud.httpAddress().getPort() + path);
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode component(Cloud cloud, String name) throws Exception {
        for (JsonNode c : JSON.readTree(get(cloud, "/v1/status").body()).path("components")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no component " + name);
    }

    @Test
    void many_devices_disconnecting_pages_and_the_status_page_shows_device_connectivity_down() throws Exception {
        AlertConfig alerts = AlertConfig.builder().evaluationInterval(Duration.ofMillis(200))
                .devicesDrop(0.10, Duration.ofSeconds(3), 5).build();
        try (PageReceiver pager = new PageReceiver();
             TestCloud sdk = TestCloud.builder().dataDir(dataDir).http().configure(b -> b
                     .alerts(alerts).pageUrl(pager.url()).pageRoutingKey("e2e-key")).start()) {
            Cloud cloud = sdk.cloud();
            List<Device> devices = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Device device = sdk.device(sdk.pskCredentials("alice"));
                device.connect();
                devices.add(device);
            }
            Await.until("10 devices online", () -> cloud.sessions().size() == 10);
            assertThat(component(cloud, "Device connectivity").path("status").asText()).isEqualTo("operational");
            cloud.ops().orElseThrow().evaluateNow(); // the rule has now seen the 10 devices

            for (Device device : devices.subList(0, 5)) {
                device.close();
            }
            Await.until("5 devices gone", () -> cloud.sessions().size() <= 5);
            long gone = System.currentTimeMillis();
            PageReceiver.Received page = pager.await(pagerDuty("trigger", RuleId.DEVICES_DROP),
                    Duration.ofSeconds(10));

            assertThat(page.at() - gone).isLessThanOrEqualTo(1_200);
            assertThat(page.body().path("routing_key").asText()).isEqualTo("e2e-key");
            assertThat(page.body().path("payload").path("summary").asText()).contains("fell from 10 to ");
            assertThat(component(cloud, "Device connectivity").path("status").asText()).isEqualTo("partial_outage");
            assertThat(component(cloud, "Integrations").path("status").asText()).isEqualTo("operational");
            HttpResponse<String> html = get(cloud, "/status");
            assertThat(html.statusCode()).isEqualTo(200);
            assertThat(html.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(html.body()).contains("Device connectivity", "Partial outage", "Connected devices dropped")
                    .doesNotContain("<script");

            for (int i = 0; i < 5; i++) {
                sdk.device(sdk.pskCredentials("alice")).connect();
            }
            pager.await(pagerDuty("resolve", RuleId.DEVICES_DROP), Duration.ofSeconds(10));
            Await.until("status operational again", () -> {
                try {
                    return component(cloud, "Device connectivity").path("status").asText().equals("operational");
                } catch (Exception e) {
                    return false;
                }
            });
            JsonNode incident = JSON.readTree(get(cloud, "/v1/status").body()).path("incidents").get(0);
            assertThat(incident.path("status").asText()).isEqualTo("resolved");
            // Updates may come in between while devices reconnect one by one; it opens and it resolves.
            assertThat(incident.path("timeline")).extracting(u -> u.path("status").asText())
                    .startsWith("investigating").endsWith("resolved");
        }
    }

    @Test
    void a_reconnect_herd_held_back_by_admission_control_opens_a_ticket() throws Exception {
        AlertConfig alerts = AlertConfig.builder().evaluationInterval(Duration.ofMillis(200))
                .admissionDeferring(0.5, Duration.ofSeconds(2), 5)
                .holdFor(RuleId.ADMISSION_DEFERRING, Duration.ofSeconds(1)).build();
        AdmissionSettings slow = AdmissionSettings.builder().mode(AdmissionMode.STATIC).rate(1).burst(1).maxInFlight(1)
                .build();
        try (PageReceiver tickets = new PageReceiver();
             TestCloud sdk = TestCloud.builder().dataDir(dataDir).configure(b -> b.admission(slow).alerts(alerts)
                     .ticketUrl(tickets.url())).start()) {
            List<Thread> herd = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Device device = sdk.device(sdk.pskCredentials("alice"));
                herd.add(Thread.ofVirtual().start(() -> {
                    try {
                        device.connect();
                    } catch (RuntimeException e) {
                        // Deferred past its handshake timeout: what a herd looks like.
                    }
                }));
            }
            PageReceiver.Received ticket = tickets.await(PageReceiver.slack("FIRING", RuleId.ADMISSION_DEFERRING),
                    Duration.ofSeconds(15));
            assertThat(ticket.body().path("text").asText()).contains("handshakes deferred");
            assertThat(sdk.cloud().ops().orElseThrow().status().components().getFirst().state().wireName())
                    .isEqualTo("degraded");
            for (Thread t : herd) {
                t.join();
            }
            tickets.await(PageReceiver.slack("RESOLVED", RuleId.ADMISSION_DEFERRING), Duration.ofSeconds(15));
        }
    }

    @Test
    void status_page_needs_no_token_and_incidents_survive_a_restart() throws Exception {
        try (TestCloud sdk = TestCloud.builder().dataDir(dataDir).http().start()) {
            HttpResponse<String> json = get(sdk.cloud(), "/v1/status");
            assertThat(json.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(json.body());
            assertThat(body.path("status").asText()).isEqualTo("operational");
            assertThat(body.path("components")).extracting(c -> c.path("name").asText())
                    .containsExactly("Device connectivity", "Events and streams", "Integrations", "API");
            assertThat(body.path("history").get(0).path("days")).hasSize(30);
            assertThat(get(sdk.cloud(), "/v1/devices").statusCode()).as("the rest of the API still needs a token")
                    .isEqualTo(401);
            assertThat(get(sdk.cloud(), "/metrics").body()).contains(
                    "corral_alert_firing{route=\"page\",rule=\"worker-down\",severity=\"critical\"} 0.0",
                    "process_files_open_files", "process_files_max_files", "corral_events_published_total",
                    "corral_api_responses_total", "corral_devices_connected", "corral_integrations_queue_depth",
                    "corral_integrations_oldest_pending_seconds",
                    "corral_integrations_worker_heartbeat_age_seconds{worker=\"w0\"}",
                    "corral_integrations_worker_restarts_total{worker=\"w0\"}");
            JsonNode rules = JSON.readTree(get(sdk.cloud(), "/v1/status").body()).path("rules");
            assertThat(rules).as("every rule but notifier-failing (no notifiers here) has its signal")
                    .filteredOn(r -> !r.path("rule").asText().equals("notifier-failing"))
                    .allSatisfy(r -> assertThat(r.path("state").asText()).isEqualTo("ok"));
        }
        assertThat(dataDir.resolve("ops.db")).isRegularFile();
    }

    @Test
    void cloud_refuses_a_data_loss_rule_routed_to_a_ticket_unless_overridden() {
        AlertConfig ticketed = AlertConfig.builder().route(RuleId.FLOW_IMBALANCE, Route.TICKET).build();

        assertThatThrownBy(() -> Cloud.builder().dataDir(dataDir).alerts(ticketed).build())
                .isInstanceOf(AlertConfigException.class)
                .hasMessageContaining("'flow-imbalance' guards against data loss but is routed to 'ticket'")
                .hasMessageContaining("--allow-nonpaging-data-loss-alerts");

        Cloud overridden = Cloud.builder().dataDir(dataDir).alerts(ticketed).allowNonPagingDataLossAlerts(true)
                .build();
        overridden.close();
    }
}
