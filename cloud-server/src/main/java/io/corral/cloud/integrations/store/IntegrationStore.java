package io.corral.cloud.integrations.store;

import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.IntegrationSpec;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import java.util.List;
import java.util.Optional;

/**
 * The integrations of every owner. Implementations are thread-safe. The embedded implementation lives in the
 * same SQLite file as the queue ({@link SqliteIntegrationDatabase}), so pausing or deleting an integration
 * changes its queued deliveries in the same transaction.
 *
 * <p>Owner isolation is the caller's job: {@link #find} answers for any owner, and the API answers 404 for an
 * integration of another owner, as for one that does not exist.
 */
public interface IntegrationStore {

    /** Stores a new integration of {@code owner}; an MQTT integration without a client id gets {@code corral-<id>}. */
    Integration create(String owner, IntegrationSpec spec);

    /**
     * Replaces the spec of an integration; queued deliveries stay and go out with the new settings.
     *
     * @throws IntegrationException NOT_FOUND if there is no such integration
     */
    Integration update(String id, IntegrationSpec spec);

    /**
     * Deletes the integration and its queued deliveries and dead letters.
     *
     * @throws IntegrationException NOT_FOUND if there is no such integration
     */
    void delete(String id);

    Optional<Integration> find(String id);

    /** The owner's integrations, oldest first. */
    List<Integration> list(String owner);

    /** Every integration, oldest first. */
    List<Integration> listAll();

    /**
     * Pauses (holds queued and new deliveries) or resumes the integration.
     *
     * @throws IntegrationException NOT_FOUND if there is no such integration
     */
    Integration setPaused(String id, boolean paused);

    /**
     * A number that changes whenever any integration changes, also when another process changed it; cheap
     * enough to poll every second.
     */
    long changeCount();
}
