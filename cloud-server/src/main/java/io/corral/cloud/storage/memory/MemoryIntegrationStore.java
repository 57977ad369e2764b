package io.corral.cloud.storage.memory;

import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.IntegrationSpec;
import io.corral.cloud.integrations.store.IntegrationStore;
import io.corral.cloud.integrations.store.IntegrationStoreRules;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The {@link IntegrationStore} of {@link MemoryStorage}. It shares its lock with the {@link MemoryDeliveryQueue},
 * so pausing or deleting an integration changes its queued deliveries in the same step, as the SQLite store does
 * in one transaction.
 */
final class MemoryIntegrationStore implements IntegrationStore {
    private final Guard guard;
    private final Clock clock;
    private final MemoryDeliveryQueue queue;
    /** In creation order. */
    private final Map<String, Integration> byId = new LinkedHashMap<>();
    private long changes;

    /** @param lock shared with {@code queue} */
    MemoryIntegrationStore(ReentrantLock lock, Clock clock, MemoryDeliveryQueue queue) {
        this.guard = new Guard(lock, () -> new IntegrationException(IntegrationException.Reason.STORAGE,
                "integration store memory is closed"));
        this.clock = clock;
        this.queue = queue;
    }

    @Override
    public Integration create(String owner, IntegrationSpec spec) {
        IntegrationStoreRules.owner(owner);
        Objects.requireNonNull(spec, "spec");
        String id = IntegrationStoreRules.newId();
        return guard.get(() -> {
            Instant now = now();
            Integration integration = new Integration(id, owner, spec.storedFor(id, null), false,
                    1, now, now);
            byId.put(id, integration);
            queue.integrationCreated(id);
            changes++;
            return integration;
        });
    }

    @Override
    public Integration update(String id, IntegrationSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return guard.get(() -> change(id, current -> new Integration(id, current.owner(),
                spec.storedFor(id, current.spec()), current.paused(), current.version() + 1,
                current.created(), now())));
    }

    @Override
    public void delete(String id) {
        guard.run(() -> {
            if (byId.remove(id) == null) {
                throw IntegrationStoreRules.noIntegration(id);
            }
            queue.integrationDeleted(id);
            changes++;
        });
    }

    @Override
    public Optional<Integration> find(String id) {
        return id == null ? Optional.empty() : guard.get(() -> Optional.ofNullable(byId.get(id)));
    }

    @Override
    public List<Integration> list(String owner) {
        return guard.get(() -> byId.values().stream().filter(i -> i.owner().equals(owner)).toList());
    }

    @Override
    public List<Integration> listAll() {
        return guard.get(() -> List.copyOf(byId.values()));
    }

    @Override
    public Integration setPaused(String id, boolean paused) {
        boolean[] released = new boolean[1];
        Integration changed = guard.get(() -> {
            Integration done = change(id, current -> new Integration(id, current.owner(), current.spec(), paused,
                    current.version() + 1, current.created(), now()));
            released[0] = queue.integrationPaused(id, paused);
            return done;
        });
        // Outside the lock, as the queue's own wake-ups are.
        if (released[0]) {
            queue.notifyEnqueued();
        }
        return changed;
    }

    @Override
    public long changeCount() {
        return guard.get(() -> changes);
    }

    /** Fails every later call. Idempotent. */
    void close() {
        guard.close();
    }

    /** Replaces the integration with {@code change} of it; called under the lock. */
    private Integration change(String id, Function<Integration, Integration> change) {
        Integration current = id == null ? null : byId.get(id);
        if (current == null) {
            throw IntegrationStoreRules.noIntegration(id);
        }
        Integration changed = change.apply(current);
        byId.put(id, changed);
        changes++;
        return changed;
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }
}
