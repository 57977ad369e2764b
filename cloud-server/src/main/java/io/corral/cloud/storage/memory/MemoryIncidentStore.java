package io.corral.cloud.storage.memory;

import io.corral.cloud.ops.Component;
import io.corral.cloud.ops.Incident;
import io.corral.cloud.ops.IncidentStore;
import io.corral.cloud.ops.RuleId;
import io.corral.cloud.ops.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;

/** The {@link IncidentStore} of {@link MemoryStorage}: a few incidents a day, so one lock and plain lists. */
final class MemoryIncidentStore implements IncidentStore {
    /** Newest first, as the status page lists them; ties (same opening time) by id, newest first. */
    private static final Comparator<Incident> NEWEST_FIRST = Comparator.comparing(Incident::openedAt)
            .thenComparingLong(Incident::id).reversed();

    private final Guard guard = new Guard(
            () -> new IllegalStateException("incident store: cannot be used, memory storage is closed"));
    private final TreeMap<Long, Incident> byId = new TreeMap<>();
    private long lastId;

    @Override
    public long open(RuleId rule, Component component, Severity severity, String title, String message, Instant at) {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(severity, "severity");
        return guard.get(() -> {
            long id = ++lastId;
            byId.put(id, new Incident(id, rule, component, severity, title, at, null,
                    List.of(new Incident.Update(at, "investigating", message))));
            return id;
        });
    }

    @Override
    public void update(long id, String message, Instant at) {
        guard.run(() -> {
            Incident incident = byId.get(id);
            if (incident == null) {
                throw new IllegalStateException("incident store: cannot update incident " + id + ": there is none");
            }
            byId.put(id, with(incident, incident.resolvedAt(), new Incident.Update(at, "update", message)));
        });
    }

    @Override
    public void resolve(long id, String message, Instant at) {
        guard.run(() -> {
            Incident incident = byId.get(id);
            if (incident != null && incident.open()) {
                byId.put(id, with(incident, at, new Incident.Update(at, "resolved", message)));
            }
        });
    }

    @Override
    public List<Incident> openIncidents() {
        return select(Incident::open);
    }

    @Override
    public List<Incident> since(Instant since) {
        return select(i -> !i.openedAt().isBefore(since) || i.open() || !i.resolvedAt().isBefore(since));
    }

    private List<Incident> select(Predicate<Incident> filter) {
        return guard.get(() -> byId.values().stream().filter(filter).sorted(NEWEST_FIRST).toList());
    }

    @Override
    public int prune(Instant before) {
        return guard.get(() -> {
            int count = byId.size();
            byId.values().removeIf(incident -> !incident.open() && incident.resolvedAt().isBefore(before));
            return count - byId.size();
        });
    }

    /** Refuses every later call. Idempotent. */
    @Override
    public void close() {
        guard.close();
    }

    /** The incident with one more timeline entry, kept in time order as the SQLite store reads it back. */
    private static Incident with(Incident incident, Instant resolvedAt, Incident.Update update) {
        List<Incident.Update> timeline = new ArrayList<>(incident.timeline());
        int at = timeline.size();
        while (at > 0 && timeline.get(at - 1).at().isAfter(update.at())) {
            at--;
        }
        timeline.add(at, update);
        return new Incident(incident.id(), incident.rule(), incident.component(), incident.severity(),
                incident.title(), incident.openedAt(), resolvedAt, List.copyOf(timeline));
    }
}
