package io.corral.cloud.ops;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens tickets as Slack-compatible incoming-webhook JSON: a {@code text} line every compatible receiver shows
 * (Slack, Mattermost, Rocket.Chat, Teams connectors), plus one attachment with the fields.
 */
public final class SlackNotifier extends HttpJsonNotifier {
    private final String statusUrl;

    public SlackNotifier(URI url, String statusUrl) {
        super(url);
        this.statusUrl = statusUrl;
    }

    @Override
    public String name() {
        return "slack";
    }

    @Override
    Map<String, Object> body(Notification n) {
        boolean firing = n.action() == Notification.Action.TRIGGER;
        String text = (firing ? "[FIRING] " : "[RESOLVED] ") + n.rule().title() + " on " + n.source() + ": "
                + n.summary() + (statusUrl == null ? "" : " <" + statusUrl + "|status page>");
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("color", firing ? (n.severity() == Severity.CRITICAL ? "danger" : "warning") : "good");
        attachment.put("fields", List.of(
                Map.of("title", "Rule", "value", n.rule().key(), "short", true),
                Map.of("title", "Component", "value", n.component().title(), "short", true),
                Map.of("title", "Severity", "value", n.severity().wireName(), "short", true),
                Map.of("title", "Incident", "value", String.valueOf(n.incidentId()), "short", true)));
        attachment.put("ts", n.at().getEpochSecond());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", text);
        body.put("attachments", List.of(attachment));
        return body;
    }
}
