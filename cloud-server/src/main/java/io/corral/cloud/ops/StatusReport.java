package io.corral.cloud.ops;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * What the status page shows, derived from the alerts at one moment: the state of each component, the alerts,
 * the rules, the notifiers, 30 days of incidents and a day-by-day history per component.
 */
public record StatusReport(Instant at, State overall, List<ComponentStatus> components, List<Alert> alerts,
                           List<RuleStatus> rules, List<NotifierHealth> notifiers, List<Incident> incidents,
                           List<ComponentHistory> history) {

    /** A component's state, from best to worst. */
    public enum State {
        OPERATIONAL("Operational"),
        DEGRADED("Degraded performance"),
        PARTIAL_OUTAGE("Partial outage");

        private final String title;

        State(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** A firing critical alert is a partial outage; a firing warning degrades. */
        static State of(Severity severity) {
            return severity == Severity.CRITICAL ? PARTIAL_OUTAGE : DEGRADED;
        }

        State worse(State other) {
            return other.ordinal() > ordinal() ? other : this;
        }
    }

    /** One component and the firing alerts that set its state. */
    public record ComponentStatus(Component component, State state, List<Alert> alerts) {
    }

    /**
     * One rule: {@code ok}, {@code pending} (condition holds, not yet for long enough), {@code firing},
     * {@code disabled}, or {@code not_wired} (this cloud has no source for its signal).
     */
    public record RuleStatus(RuleId rule, Route route, Severity severity, String state, String condition) {
    }

    /** The worst state of a component on each of the last days, oldest first. */
    public record ComponentHistory(Component component, List<Day> days) {
    }

    public record Day(LocalDate date, State state) {
    }
}
