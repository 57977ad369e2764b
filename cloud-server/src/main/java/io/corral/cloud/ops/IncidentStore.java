package io.corral.cloud.ops;

import java.time.Instant;
import java.util.List;

/**
 * Where incidents and their timelines are kept. Implementations are thread-safe; failures are
 * {@link IllegalStateException}s whose message starts with {@code incident store: cannot}. The embedded
 * implementations are {@link SqliteIncidentStore} and the one of the memory storage.
 */
public interface IncidentStore extends AutoCloseable {

    /** Opens an incident with its first timeline entry and returns its id. */
    long open(RuleId rule, Component component, Severity severity, String title, String message, Instant at);

    /**
     * Adds a timeline entry.
     *
     * @throws IllegalStateException if no incident has this id
     */
    void update(long id, String message, Instant at);

    /** Resolves the incident with a last timeline entry; an incident that is resolved or unknown is left alone. */
    void resolve(long id, String message, Instant at);

    /** Incidents still open, newest first, with their timelines. */
    List<Incident> openIncidents();

    /**
     * Incidents opened, resolved or still open since {@code since}, newest first (by opening time, then by id),
     * with their timelines in time order.
     */
    List<Incident> since(Instant since);

    /** Deletes incidents resolved before {@code before}; returns how many. */
    int prune(Instant before);

    @Override
    void close();
}
