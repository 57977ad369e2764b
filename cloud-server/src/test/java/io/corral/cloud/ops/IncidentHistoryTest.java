package io.corral.cloud.ops;

import static io.corral.cloud.testkit.PageReceiver.pagerDuty;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.testkit.PageReceiver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Incidents in ops.db: 30 days kept, day-by-day history, and incidents left open by a previous run. */
class IncidentHistoryTest {
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    @TempDir
    Path dataDir;

    private Ops ops(PageReceiver pager) {
        return Ops.builder().signals(new OpsSignals() {
                }).clock(Clock.fixed(NOW, ZoneOffset.UTC)).source("test-cloud")
                .incidentStore(SqliteIncidentStore.open(dataDir))
                .pageNotifier(new PagerDutyNotifier(pager.url(), "k", null))
                .notifierRetry(3, Duration.ofMillis(50), Duration.ofMillis(100)).build();
    }

    @Test
    void incidents_older_than_30_days_are_pruned_and_the_history_shows_the_bad_days() {
        try (SqliteIncidentStore store = SqliteIncidentStore.open(dataDir)) {
            long old = store.open(RuleId.DELIVERY_BACKLOG, Component.INTEGRATIONS, Severity.CRITICAL, "old",
                    "backlog", NOW.minus(Duration.ofDays(40)));
            store.resolve(old, "cleared", NOW.minus(Duration.ofDays(40)).plusSeconds(600));
            long recent = store.open(RuleId.EVENT_TRAFFIC_LOW, Component.EVENTS_AND_STREAMS, Severity.WARNING,
                    "recent", "low traffic", NOW.minus(Duration.ofDays(2)));
            store.resolve(recent, "cleared", NOW.minus(Duration.ofDays(2)).plusSeconds(600));
        }
        try (PageReceiver pager = new PageReceiver(); Ops ops = ops(pager)) {
            ops.evaluateNow();
            StatusReport report = ops.status();

            assertThat(report.incidents()).extracting(Incident::title).containsExactly("recent");
            StatusReport.ComponentHistory events = report.history().stream()
                    .filter(h -> h.component() == Component.EVENTS_AND_STREAMS).findFirst().orElseThrow();
            assertThat(events.days()).hasSize(30);
            assertThat(events.days().getLast().date()).isEqualTo(LocalDate.of(2026, 11, 24));
            assertThat(events.days()).filteredOn(d -> d.state() != StatusReport.State.OPERATIONAL)
                    .extracting(StatusReport.Day::date).containsExactly(LocalDate.of(2026, 11, 22));
        }
        try (SqliteIncidentStore store = SqliteIncidentStore.open(dataDir)) {
            assertThat(store.since(Instant.EPOCH)).as("pruned from the database").hasSize(1);
        }
    }

    @Test
    void an_incident_left_open_by_a_previous_run_is_resolved_when_its_rule_stays_quiet() {
        try (SqliteIncidentStore store = SqliteIncidentStore.open(dataDir)) {
            store.open(RuleId.WORKER_DOWN, Component.INTEGRATIONS, Severity.CRITICAL, "Integration worker down",
                    "worker-1: no heartbeat for 20 s", NOW.minusSeconds(60));
        }
        try (PageReceiver pager = new PageReceiver(); Ops ops = ops(pager)) {
            ops.start();
            pager.await(pagerDuty("resolve", RuleId.WORKER_DOWN), Duration.ofSeconds(10));
            Incident incident = ops.status().incidents().getFirst();
            assertThat(incident.open()).isFalse();
            assertThat(incident.timeline()).extracting(Incident.Update::status)
                    .containsExactly("investigating", "update", "resolved");
        }
    }
}
