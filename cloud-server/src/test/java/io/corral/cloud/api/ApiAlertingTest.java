package io.corral.cloud.api;

import static io.corral.cloud.testkit.PageReceiver.slack;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.ops.AlertConfig;
import io.corral.cloud.testkit.PageReceiver;
import io.corral.cloud.ops.RuleId;
import io.corral.cloud.testkit.ApiClient;
import io.corral.cloud.testkit.TestCloud;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API component of the status page follows the API's own server errors. */
class ApiAlertingTest {
    @TempDir
    Path dataDir;

    @Test
    void api_failing_with_server_errors_opens_a_ticket_and_degrades_the_api_component() throws Exception {
        AlertConfig alerts = AlertConfig.builder().evaluationInterval(Duration.ofMillis(200))
                .apiErrors(0.05, Duration.ofSeconds(1), 5).build();
        try (PageReceiver tickets = new PageReceiver();
             TestCloud cloud = TestCloud.builder().dataDir(dataDir).http()
                     .configure(b -> b.alerts(alerts).ticketUrl(tickets.url())).start()) {
            ApiClient api = cloud.api();
            String token = cloud.token("alice");
            assertThat(api.get(token, "/v1/devices").status()).isEqualTo(200);

            cloud.cloud().registry().close(); // the database goes away under the API
            for (int i = 0; i < 10; i++) {
                assertThat(api.get(token, "/v1/devices").status()).isEqualTo(500);
            }

            PageReceiver.Received ticket = tickets.await(slack("FIRING", RuleId.API_ERRORS), Duration.ofSeconds(10));
            assertThat(ticket.body().path("text").asText()).contains("server errors");
            String status = api.get(null, "/v1/status").body();
            assertThat(ApiClient.JSON.readTree(status).path("components").get(3).path("status").asText())
                    .isEqualTo("degraded");

            tickets.await(slack("RESOLVED", RuleId.API_ERRORS), Duration.ofSeconds(10));
        }
    }
}
