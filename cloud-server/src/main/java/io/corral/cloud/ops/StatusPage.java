package io.corral.cloud.ops;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link StatusReport}: {@link #json} as the {@code GET /v1/status} body, {@link #html} as a page that
 * reads well without JavaScript (it refreshes itself with a meta tag).
 */
public final class StatusPage {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private StatusPage() {
    }

    /** The report as plain maps and lists, ready for Jackson. */
    public static Map<String, Object> json(StatusReport r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", r.overall().wireName());
        body.put("description", r.overall() == StatusReport.State.OPERATIONAL ? "All systems operational"
                : r.overall().title());
        body.put("updated_at", r.at().toString());
        List<Object> components = new ArrayList<>();
        for (StatusReport.ComponentStatus c : r.components()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.component().name().toLowerCase(java.util.Locale.ROOT));
            m.put("name", c.component().title());
            m.put("status", c.state().wireName());
            m.put("alerts", c.alerts().stream().map(a -> a.rule().key()).toList());
            components.add(m);
        }
        body.put("components", components);
        body.put("alerts", r.alerts().stream().map(StatusPage::alert).toList());
        body.put("incidents", r.incidents().stream().map(StatusPage::incident).toList());
        List<Object> rules = new ArrayList<>();
        for (StatusReport.RuleStatus s : r.rules()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", s.rule().key());
            m.put("title", s.rule().title());
            m.put("component", s.rule().component().title());
            m.put("route", s.route().wireName());
            m.put("severity", s.severity().wireName());
            m.put("guards_data_loss", s.rule().guardsDataLoss());
            m.put("state", s.state());
            m.put("condition", s.condition());
            rules.add(m);
        }
        body.put("rules", rules);
        List<Object> notifiers = new ArrayList<>();
        for (NotifierHealth h : r.notifiers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", h.name());
            m.put("route", h.route().wireName());
            m.put("target", h.target());
            m.put("healthy", h.healthy());
            m.put("sent", h.sent());
            m.put("failed_attempts", h.failedAttempts());
            m.put("gave_up", h.gaveUp());
            m.put("consecutive_failures", h.consecutiveFailures());
            m.put("queued", h.queued());
            m.put("last_error", h.lastError());
            m.put("last_error_at", h.lastErrorAt() == 0 ? null : Instant.ofEpochMilli(h.lastErrorAt()).toString());
            m.put("last_success_at", h.lastSuccessAt() == 0 ? null
                    : Instant.ofEpochMilli(h.lastSuccessAt()).toString());
            notifiers.add(m);
        }
        body.put("notifiers", notifiers);
        List<Object> history = new ArrayList<>();
        for (StatusReport.ComponentHistory h : r.history()) {
            history.add(Map.of("name", h.component().title(), "days", h.days().stream()
                    .map(d -> Map.of("date", d.date().toString(), "status", d.state().wireName())).toList()));
        }
        body.put("history", history);
        return body;
    }

    private static Map<String, Object> alert(Alert a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule", a.rule().key());
        m.put("title", a.rule().title());
        m.put("component", a.component().title());
        m.put("severity", a.severity().wireName());
        m.put("route", a.route().wireName());
        m.put("state", a.firing() ? "firing" : "pending");
        m.put("since", a.since().toString());
        m.put("condition", a.summary());
        m.put("incident", a.incidentId() == 0 ? null : a.incidentId());
        return m;
    }

    private static Map<String, Object> incident(Incident i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("title", i.title());
        m.put("rule", i.rule().key());
        m.put("component", i.component().title());
        m.put("severity", i.severity().wireName());
        m.put("status", i.open() ? "open" : "resolved");
        m.put("opened_at", i.openedAt().toString());
        m.put("resolved_at", i.resolvedAt() == null ? null : i.resolvedAt().toString());
        m.put("timeline", i.timeline().stream().map(u -> Map.of("at", u.at().toString(), "status", u.status(),
                "message", u.message())).toList());
        return m;
    }

    /** A complete HTML document: no scripts, inline styles, refreshed every 30 s by a meta tag. */
    public static String html(StatusReport r) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta http-equiv=\"refresh\" content=\"30\"><title>Corral status</title><style>")
                .append("body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}")
                .append(".banner{padding:1rem;border-radius:6px;color:#fff;font-size:1.2rem}")
                .append(".operational{background:#2e7d32}.degraded{background:#f9a825}.partial_outage{background:#c62828}")
                .append("table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem;border-bottom:1px solid #ddd}")
                .append(".s-operational{color:#2e7d32}.s-degraded{color:#b26a00}.s-partial_outage{color:#c62828}")
                .append(".bar{display:flex;gap:2px}.bar span{flex:1;height:1.4rem;border-radius:2px}")
                .append("ol.timeline{padding-left:1.2rem}small{color:#666}</style></head><body>\n");
        h.append("<h1>Corral status</h1>\n<p class=\"banner ").append(r.overall().wireName()).append("\">")
                .append(r.overall() == StatusReport.State.OPERATIONAL ? "All systems operational"
                        : esc(r.overall().title()))
                .append("</p>\n<p><small>Updated ").append(TIME.format(r.at()))
                .append(". Derived from the cloud's alerts; JSON at <a href=\"/v1/status\">/v1/status</a>.</small></p>\n");
        h.append("<h2>Components</h2>\n<table><tr><th>Component</th><th>Status</th><th>Why</th></tr>\n");
        for (StatusReport.ComponentStatus c : r.components()) {
            h.append("<tr><td>").append(esc(c.component().title())).append("</td><td class=\"s-")
                    .append(c.state().wireName()).append("\">").append(esc(c.state().title())).append("</td><td>");
            for (Alert a : c.alerts()) {
                h.append(esc(a.rule().title())).append(": ").append(esc(a.summary())).append("<br>");
            }
            h.append("</td></tr>\n");
        }
        h.append("</table>\n");
        List<Incident> open = r.incidents().stream().filter(Incident::open).toList();
        List<Incident> past = r.incidents().stream().filter(i -> !i.open()).toList();
        h.append("<h2>Active incidents</h2>\n");
        incidents(h, open, "No active incidents.");
        h.append("<h2>Last 30 days</h2>\n<table>");
        for (StatusReport.ComponentHistory ch : r.history()) {
            h.append("<tr><td>").append(esc(ch.component().title())).append("</td><td><div class=\"bar\">");
            for (StatusReport.Day d : ch.days()) {
                h.append("<span class=\"").append(d.state().wireName()).append("\" title=\"").append(d.date())
                        .append(": ").append(esc(d.state().title())).append("\"></span>");
            }
            h.append("</div></td></tr>\n");
        }
        h.append("</table>\n<h2>Past incidents</h2>\n");
        incidents(h, past, "No incidents in the last 30 days.");
        h.append("<h2>Alert rules</h2>\n<table><tr><th>Rule</th><th>Route</th><th>State</th><th>Condition</th></tr>\n");
        for (StatusReport.RuleStatus s : r.rules()) {
            h.append("<tr><td>").append(esc(s.rule().title())).append(" <small>(").append(s.rule().key())
                    .append(")</small></td><td>").append(s.route().wireName()).append("</td><td>")
                    .append(esc(s.state().replace('_', ' '))).append("</td><td>")
                    .append(s.condition() == null ? "" : esc(s.condition())).append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Notifiers</h2>\n");
        if (r.notifiers().isEmpty()) {
            h.append("<p>None configured: pages and tickets are only logged.</p>\n");
        } else {
            h.append("<table><tr><th>Notifier</th><th>Route</th><th>State</th><th>Sent</th><th>Last error</th></tr>\n");
            for (NotifierHealth n : r.notifiers()) {
                h.append("<tr><td>").append(esc(n.name())).append(" <small>").append(esc(n.target()))
                        .append("</small></td><td>").append(n.route().wireName()).append("</td><td>")
                        .append(n.healthy() ? "ok" : "FAILING (" + n.consecutiveFailures() + " in a row)")
                        .append("</td><td>").append(n.sent()).append("</td><td>")
                        .append(n.lastError() == null ? "" : esc(n.lastError())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void incidents(StringBuilder h, List<Incident> incidents, String none) {
        if (incidents.isEmpty()) {
            h.append("<p>").append(none).append("</p>\n");
            return;
        }
        for (Incident i : incidents) {
            Instant end = i.resolvedAt();
            h.append("<article><h3>").append(esc(i.title())).append(" <small>#").append(i.id()).append(", ")
                    .append(esc(i.component().title())).append(", ")
                    .append(i.open() ? "open" : "resolved after " + Rules.age(Duration.between(i.openedAt(), end)))
                    .append("</small></h3>\n<ol class=\"timeline\">");
            for (Incident.Update u : i.timeline()) {
                h.append("<li><strong>").append(esc(u.status())).append("</strong> <small>")
                        .append(TIME.format(u.at())).append("</small><br>").append(esc(u.message())).append("</li>");
            }
            h.append("</ol></article>\n");
        }
    }

    static String esc(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
