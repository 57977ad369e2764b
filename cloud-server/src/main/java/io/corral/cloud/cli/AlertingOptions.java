package io.corral.cloud.cli;

import io.corral.cloud.Cloud;
import io.corral.cloud.ops.AlertConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code run} command's alerting options: where pages and tickets go, the alert config, the override. */
final class AlertingOptions {
    @Option(names = "--page-url", paramLabel = "URL",
            description = "Where pages go, as PagerDuty Events v2 JSON POSTs (PagerDuty: "
                    + "https://events.pagerduty.com/v2/enqueue). Without it, pages are only logged.")
    private URI pageUrl;

    @Option(names = "--page-routing-key", paramLabel = "KEY", defaultValue = "corral",
            description = "Routing (integration) key sent with every page (default: ${DEFAULT-VALUE}).")
    private String pageRoutingKey;

    @Option(names = "--ticket-url", paramLabel = "URL",
            description = "Where tickets go, as Slack-compatible incoming-webhook JSON. Without it, tickets are only logged.")
    private URI ticketUrl;

    @Option(names = "--status-url", paramLabel = "URL",
            description = "Public address of this cloud's status page (/status), linked from pages and tickets.")
    private URI statusUrl;

    @Option(names = "--alert-config", paramLabel = "FILE",
            description = "Properties file of alert routes and thresholds over the defaults (see the README, "
                    + "\"Alerting and status page\").")
    private Path alertConfig;

    @Option(names = "--allow-nonpaging-data-loss-alerts",
            description = "Start even if a rule that guards against data loss (worker-down, flow-imbalance, "
                    + "delivery-backlog, file-descriptors) is disabled or does not page.")
    private boolean allowNonPagingDataLoss;

    /** Sets the alerting options on the builder; reads and checks the alert config file. */
    Cloud.Builder applyTo(Cloud.Builder builder) {
        AlertConfig alerts;
        try {
            alerts = alertConfig == null ? AlertConfig.defaults() : AlertConfig.load(alertConfig);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --alert-config " + alertConfig + ": " + e.getMessage(), e);
        }
        return builder.alerts(alerts).pageUrl(pageUrl).pageRoutingKey(pageRoutingKey).ticketUrl(ticketUrl)
                .statusUrl(statusUrl).allowNonPagingDataLossAlerts(allowNonPagingDataLoss);
    }

    /** Where pages and tickets go, for the start-up banner. */
    String describe() {
        return "pages " + (pageUrl == null ? "only logged (no --page-url)" : "to " + pageUrl.getHost())
                + "; tickets " + (ticketUrl == null ? "only logged (no --ticket-url)" : "to " + ticketUrl.getHost());
    }
}
