package io.corral.cloud.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.storage.Storage;
import io.corral.cloud.storage.StorageContract;
import io.corral.cloud.testkit.Race;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link IncidentStore} must do. An implementation's test extends this and opens its {@link Storage};
 * the tests use its {@link Storage#incidents()}.
 */
public abstract class IncidentStoreContract extends StorageContract {
    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");

    protected IncidentStore incidents;

    @BeforeEach
    void openIncidents() {
        incidents = storage.incidents();
    }

    private long open(String title, Instant at) {
        return incidents.open(RuleId.DELIVERY_BACKLOG, Component.INTEGRATIONS, Severity.CRITICAL, title, "backlog", at);
    }

    @Test
    void an_opened_incident_is_open_with_its_first_timeline_entry() {
        long id = incidents.open(RuleId.WORKER_DOWN, Component.INTEGRATIONS, Severity.CRITICAL,
                "Integration worker down", "worker-1: no heartbeat for 20 s", T0);

        assertThat(incidents.openIncidents()).singleElement().satisfies(incident -> {
            assertThat(incident.id()).isEqualTo(id);
            assertThat(incident.rule()).isEqualTo(RuleId.WORKER_DOWN);
            assertThat(incident.component()).isEqualTo(Component.INTEGRATIONS);
            assertThat(incident.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(incident.title()).isEqualTo("Integration worker down");
            assertThat(incident.openedAt()).isEqualTo(T0);
            assertThat(incident.open()).isTrue();
            assertThat(incident.timeline()).containsExactly(
                    new Incident.Update(T0, "investigating", "worker-1: no heartbeat for 20 s"));
        });
    }

    @Test
    void updates_and_the_resolution_join_the_timeline_in_time_order() {
        long id = open("backlog", T0);

        incidents.update(id, "still growing", T0.plusSeconds(60));
        incidents.update(id, "same minute", T0.plusSeconds(60));
        incidents.resolve(id, "drained", T0.plusSeconds(120));

        assertThat(incidents.openIncidents()).isEmpty();
        Incident resolved = incidents.since(T0).getFirst();
        assertThat(resolved.resolvedAt()).isEqualTo(T0.plusSeconds(120));
        assertThat(resolved.timeline()).extracting(Incident.Update::status, Incident.Update::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("investigating", "backlog"),
                org.assertj.core.groups.Tuple.tuple("update", "still growing"),
                org.assertj.core.groups.Tuple.tuple("update", "same minute"),
                org.assertj.core.groups.Tuple.tuple("resolved", "drained"));
    }

    @Test
    void resolving_a_resolved_or_unknown_incident_changes_nothing() {
        long id = open("backlog", T0);
        incidents.resolve(id, "drained", T0.plusSeconds(60));

        incidents.resolve(id, "again", T0.plusSeconds(120));
        incidents.resolve(id + 1000, "nobody", T0.plusSeconds(120));

        assertThat(incidents.since(Instant.EPOCH)).singleElement().satisfies(incident -> {
            assertThat(incident.resolvedAt()).isEqualTo(T0.plusSeconds(60));
            assertThat(incident.timeline()).extracting(Incident.Update::status).containsExactly("investigating", "resolved");
        });
    }

    @Test
    void updating_an_unknown_incident_fails_naming_it() {
        assertThatThrownBy(() -> incidents.update(999, "no such incident", T0))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("incident store: cannot update incident 999");
    }

    @Test
    void since_lists_recent_and_still_open_incidents_newest_first() {
        long old = open("old, resolved", T0.minus(Duration.ofDays(40)));
        incidents.resolve(old, "cleared", T0.minus(Duration.ofDays(40)).plusSeconds(600));
        long oldOpen = open("old, still open", T0.minus(Duration.ofDays(35)));
        long recent = open("recent", T0.minus(Duration.ofDays(2)));
        long sameTime = open("same time", T0.minus(Duration.ofDays(2)));
        long latest = open("latest", T0);

        assertThat(incidents.since(T0.minus(Duration.ofDays(30)))).extracting(Incident::id)
                .containsExactly(latest, sameTime, recent, oldOpen);
        assertThat(incidents.openIncidents()).extracting(Incident::id).containsExactly(latest, sameTime, recent, oldOpen);
        assertThat(incidents.since(Instant.EPOCH)).extracting(Incident::id)
                .containsExactly(latest, sameTime, recent, oldOpen, old);
    }

    @Test
    void an_incident_resolved_after_since_is_listed_though_opened_before() {
        long id = open("long one", T0.minus(Duration.ofDays(40)));
        incidents.resolve(id, "finally", T0.minus(Duration.ofDays(1)));

        assertThat(incidents.since(T0.minus(Duration.ofDays(30)))).extracting(Incident::id).containsExactly(id);
    }

    @Test
    void prune_deletes_only_incidents_resolved_before_the_cut() {
        long old = open("old", T0.minus(Duration.ofDays(40)));
        incidents.resolve(old, "cleared", T0.minus(Duration.ofDays(39)));
        long recent = open("recent", T0.minus(Duration.ofDays(2)));
        incidents.resolve(recent, "cleared", T0.minus(Duration.ofDays(1)));
        long stillOpen = open("open", T0.minus(Duration.ofDays(50)));

        assertThat(incidents.prune(T0.minus(Duration.ofDays(30)))).isEqualTo(1);

        assertThat(incidents.since(Instant.EPOCH)).extracting(Incident::id).containsExactly(recent, stillOpen);
        assertThat(incidents.prune(T0.minus(Duration.ofDays(30)))).isZero();
    }

    // ---- two writers on the same record ----

    @Test
    void two_writers_updating_one_incident_at_once_lose_no_entry() {
        long id = open("busy", T0);

        Race.repeat(2, 50, (racer, round) -> incidents.update(id, racer + "/" + round, T0.plusSeconds(1 + round)));

        List<Incident.Update> timeline = incidents.openIncidents().getFirst().timeline();
        assertThat(timeline).hasSize(101);
        assertThat(timeline).extracting(Incident.Update::at).isSorted();
        assertThat(timeline).extracting(Incident.Update::message).contains("0/49", "1/49", "0/0", "1/0");
    }

    @Test
    void two_writers_resolving_one_incident_at_once_resolve_it_once() {
        for (int round = 0; round < 20; round++) {
            long id = open("race " + round, T0);

            Race.repeat(2, 1, (racer, ignored) -> incidents.resolve(id, "by " + racer, T0.plusSeconds(racer + 1)));

            Incident resolved = incidents.since(Instant.EPOCH).stream().filter(i -> i.id() == id).findFirst().orElseThrow();
            assertThat(resolved.timeline()).extracting(Incident.Update::status).containsExactly("investigating", "resolved");
            assertThat(resolved.resolvedAt()).isEqualTo(resolved.timeline().getLast().at());
        }
    }

    @Test
    void incidents_opened_at_once_get_ids_of_their_own() {
        Race.repeat(4, 25, (racer, round) -> open("incident " + racer + "/" + round, T0.plusSeconds(round)));

        assertThat(incidents.openIncidents()).hasSize(100).extracting(Incident::id).doesNotHaveDuplicates();
    }

    @Test
    void a_closed_store_refuses_calls() {
        incidents.close();
        incidents.close(); // idempotent

        assertThatThrownBy(incidents::openIncidents).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("incident store: cannot");
    }
}
