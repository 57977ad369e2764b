package io.corral.cloud.ops;

import java.time.Instant;

/**
 * A rule whose condition holds now.
 *
 * @param rule       which rule
 * @param severity   its configured severity
 * @param route      its configured route
 * @param component  the status page component it degrades
 * @param summary    the latest condition, as people read it
 * @param since      when the condition started to hold
 * @param firing     false while the condition has held for less than the rule's {@code for} time
 * @param incidentId the status page incident while firing, else 0
 */
public record Alert(RuleId rule, Severity severity, Route route, Component component, String summary,
                    Instant since, boolean firing, long incidentId) {
}
