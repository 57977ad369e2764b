package io.corral.cloud.ops;

import java.time.Instant;

/**
 * One message about an alert: it fired, or it resolved.
 *
 * @param action     what happened
 * @param rule       which rule
 * @param severity   its severity
 * @param component  the component of the status page it affects
 * @param summary    the condition as people read it
 * @param at         when
 * @param source     which cloud: the host name, so a pager shows where to look
 * @param incidentId the status page incident, 0 when none
 */
public record Notification(Action action, RuleId rule, Severity severity, Component component, String summary,
                           Instant at, String source, long incidentId) {

    public enum Action {
        TRIGGER,
        RESOLVE
    }

    /** Stable per rule and cloud, so a receiver folds a trigger and its resolve into one alert. */
    public String dedupKey() {
        return "corral/" + source + "/" + rule.key();
    }
}
