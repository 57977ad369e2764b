package io.corral.cloud.ops;

import java.time.Instant;
import java.util.List;

/**
 * An incident of the status page, opened when an alert fires and resolved when it stops.
 *
 * @param id         its number
 * @param rule       the rule that opened it
 * @param component  the component it affects
 * @param severity   the severity of the rule
 * @param title      the headline
 * @param openedAt   when it was opened
 * @param resolvedAt when it was resolved, or null while it is open
 * @param timeline   what happened, oldest first
 */
public record Incident(long id, RuleId rule, Component component, Severity severity, String title,
                       Instant openedAt, Instant resolvedAt, List<Update> timeline) {

    public boolean open() {
        return resolvedAt == null;
    }

    /** One entry of the timeline: {@code investigating}, {@code update} or {@code resolved}. */
    public record Update(Instant at, String status, String message) {
    }
}
