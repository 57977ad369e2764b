package io.corral.cloud.ops;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pages through the PagerDuty Events API v2 shape: {@code routing_key}, {@code event_action} ({@code trigger} or
 * {@code resolve}), a {@code dedup_key} per rule and cloud, and a {@code payload} with summary, source, severity,
 * component, group, class and custom details. Any receiver that speaks Events v2 works (Alertmanager-compatible
 * bridges, incident tools); the default URL is PagerDuty's {@code https://events.pagerduty.com/v2/enqueue}.
 */
public final class PagerDutyNotifier extends HttpJsonNotifier {
    /** PagerDuty's Events API v2 endpoint. */
    public static final URI DEFAULT_URL = URI.create("https://events.pagerduty.com/v2/enqueue");
    private final String routingKey;
    private final String statusUrl;

    /**
     * @param url        where to POST
     * @param routingKey the integration key of the PagerDuty service
     * @param statusUrl  the status page, linked from the page; may be null
     */
    public PagerDutyNotifier(URI url, String routingKey, String statusUrl) {
        super(url);
        this.routingKey = routingKey;
        this.statusUrl = statusUrl;
    }

    @Override
    public String name() {
        return "pagerduty";
    }

    @Override
    Map<String, Object> body(Notification n) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("routing_key", routingKey);
        body.put("event_action", n.action() == Notification.Action.TRIGGER ? "trigger" : "resolve");
        body.put("dedup_key", n.dedupKey());
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("summary", abbreviate(n.rule().title() + ": " + n.summary()));
        payload.put("source", n.source());
        payload.put("severity", n.severity() == Severity.CRITICAL ? "critical" : "warning");
        payload.put("timestamp", n.at().toString());
        payload.put("component", n.component().title());
        payload.put("group", "corral-cloud");
        payload.put("class", n.rule().key());
        payload.put("custom_details", Map.of("rule", n.rule().key(), "condition", n.summary(),
                "incident", n.incidentId(), "guards_data_loss", n.rule().guardsDataLoss()));
        body.put("payload", payload);
        body.put("client", "Corral cloud");
        if (statusUrl != null) {
            body.put("client_url", statusUrl);
            body.put("links", List.of(Map.of("href", statusUrl, "text", "Corral status page")));
        }
        return body;
    }

    /** PagerDuty refuses summaries over 1024 characters. */
    private static String abbreviate(String text) {
        return text.length() <= 1024 ? text : text.substring(0, 1021) + "...";
    }
}
