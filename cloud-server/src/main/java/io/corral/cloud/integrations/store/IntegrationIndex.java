package io.corral.cloud.integrations.store;

import io.corral.cloud.events.Event;
import io.corral.cloud.integrations.Integrations;
import io.corral.cloud.integrations.model.Integration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every integration in memory, for the two hot paths: which integrations an accepted event goes to (before the
 * device's ACK), and the settings of a delivery a worker just leased. Reloaded whole when the store's change
 * count moves: at once after a change made through {@link Integrations#store()}, and within the refresh
 * interval after one made by another process (the CLI next to a running cloud).
 */
public final class IntegrationIndex {
    private static final Logger log = LoggerFactory.getLogger(IntegrationIndex.class);

    private record Snapshot(long changeCount, Map<String, Integration> byId, Map<String, List<Integration>> byOwner) {
    }

    private final IntegrationStore store;
    private final ReentrantLock reloading = new ReentrantLock();
    private volatile Snapshot snapshot = new Snapshot(Long.MIN_VALUE, Map.of(), Map.of());

    public IntegrationIndex(IntegrationStore store) {
        this.store = store;
        refresh();
    }

    /** Ids of the enabled integrations of the event's owner that want it. Lock-free. */
    public List<String> matching(Event event) {
        List<Integration> candidates = snapshot.byOwner.get(event.owner());
        if (candidates == null) {
            return List.of();
        }
        List<String> ids = null;
        for (Integration integration : candidates) {
            if (integration.matches(event)) {
                if (ids == null) {
                    ids = new ArrayList<>(2);
                }
                ids.add(integration.id());
            }
        }
        return ids == null ? List.of() : ids;
    }

    /** The integration, reloading once if it is not known yet (created by another process a moment ago). */
    public Integration get(String id) {
        Integration found = snapshot.byId.get(id);
        if (found == null) {
            refresh();
            found = snapshot.byId.get(id);
        }
        return found;
    }

    int size() {
        return snapshot.byId.size();
    }

    /** Reloads if the store changed since the last load. Safe to call from any thread; loads run one at a time. */
    public void refresh() {
        reloading.lock();
        try {
            long count = store.changeCount();
            if (count == snapshot.changeCount) {
                return;
            }
            Map<String, Integration> byId = new HashMap<>();
            Map<String, List<Integration>> byOwner = new HashMap<>();
            for (Integration integration : store.listAll()) {
                byId.put(integration.id(), integration);
                byOwner.computeIfAbsent(integration.owner(), o -> new ArrayList<>()).add(integration);
            }
            byOwner.replaceAll((owner, list) -> List.copyOf(list));
            snapshot = new Snapshot(count, Map.copyOf(byId), Map.copyOf(byOwner));
        } catch (RuntimeException e) {
            log.warn("could not reload integrations: {}", e.getMessage());
        } finally {
            reloading.unlock();
        }
    }
}
