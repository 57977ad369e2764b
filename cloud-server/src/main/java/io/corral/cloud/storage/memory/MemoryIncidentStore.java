package io.corral.cloud.storage.memory;

import io.corral.cloud.ops.Component;
import io.corral.cloud.ops.Incident;
import io.corral.cloud.ops.IncidentStore;
import io.corral.cloud.ops.RuleId;
import io.corral.cloud.ops.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/** The {@link IncidentStore} of {@link MemoryStorage}: a few incidents a day, so one lock and plain lists. */
final class MemoryIncidentStore implements IncidentStore {
    /** Newest first, as the status page lists them; ties (same opening time) by id, newest first. */
    private static final Comparator<Incident> NEWEST_FIRST = Comparator.comparing(Incident::openedAt)
            .thenComparingLong(Incident::id).reversed();

    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<Long, Incident> byId = new TreeMap<>();
    private long lastId;
    private boolean closed;

    @Override
    public long open(RuleId rule, Component component, Severity severity, String title, String message, Instant at) {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(severity, "severity");
        lock.lock();
        try {
            requireOpen("open an incident");
            long id = ++lastId;
            byId.put(id, new Incident(id, rule, component, severity, title, at, null,
                    List.of(new Incident.Update(at, "investigating", message))));
            return id;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void update(long id, String message, Instant at) {
        lock.lock();
        try {
            requireOpen("update incident " + id);
            Incident incident = byId.get(id);
            if (incident == null) {
                throw new IllegalStateException("incident store: cannot update incident " + id + ": there is none");
            }
            byId.put(id, with(incident, incident.resolvedAt(), new Incident.Update(at, "update", message)));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resolve(long id, String message, Instant at) {
        lock.lock();
        try {
            requireOpen("resolve incident " + id);
            Incident incident = byId.get(id);
            if (incident != null && incident.open()) {
                byId.put(id, with(incident, at, new Incident.Update(at, "resolved", message)));
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Incident> openIncidents() {
        return select("read incidents", Incident::open);
    }

    @Override
    public List<Incident> since(Instant since) {
        return select("read incidents", i -> !i.openedAt().isBefore(since) || i.open()
                || !i.resolvedAt().isBefore(since));
    }

    private List<Incident> select(String what, Predicate<Incident> filter) {
        lock.lock();
        try {
            requireOpen(what);
            return byId.values().stream().filter(filter).sorted(NEWEST_FIRST).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int prune(Instant before) {
        lock.lock();
        try {
            requireOpen("prune incidents");
            int pruned = 0;
            for (Iterator<Incident> it = byId.values().iterator(); it.hasNext(); ) {
                Incident incident = it.next();
                if (!incident.open() && incident.resolvedAt().isBefore(before)) {
                    it.remove();
                    pruned++;
                }
            }
            return pruned;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses every later call. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    private void requireOpen(String what) {
        if (closed) {
            throw new IllegalStateException("incident store: cannot " + what + ": the store is closed");
        }
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
