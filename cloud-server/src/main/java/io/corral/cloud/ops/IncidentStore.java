package io.corral.cloud.ops;

import java.time.Instant;
import java.util.List;

/** Where incidents and their timelines are kept. Implementations are thread-safe. */
public interface IncidentStore extends AutoCloseable {

    /** Opens an incident with its first timeline entry and returns its id. */
    long open(RuleId rule, Component component, Severity severity, String title, String message, Instant at);

    /** Adds a timeline entry. */
    void update(long id, String message, Instant at);

    /** Resolves the incident with a last timeline entry. */
    void resolve(long id, String message, Instant at);

    /** Incidents still open. */
    List<Incident> openIncidents();

    /** Incidents opened or still open since {@code since}, newest first, with their timelines. */
    List<Incident> since(Instant since);

    /** Deletes incidents resolved before {@code before}; returns how many. */
    int prune(Instant before);

    @Override
    void close();
}
