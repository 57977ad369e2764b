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
    private final ReentrantLock lock;
    private final Clock clock;
    private final MemoryDeliveryQueue queue;
    /** In creation order. */
    private final Map<String, Integration> byId = new LinkedHashMap<>();
    private long changes;
    private boolean closed;

    MemoryIntegrationStore(ReentrantLock lock, Clock clock, MemoryDeliveryQueue queue) {
        this.lock = lock;
        this.clock = clock;
        this.queue = queue;
    }

    @Override
    public Integration create(String owner, IntegrationSpec spec) {
        IntegrationStoreRules.owner(owner);
        Objects.requireNonNull(spec, "spec");
        String id = IntegrationStoreRules.newId();
        lock.lock();
        try {
            requireOpen();
            Instant now = now();
            Integration integration = new Integration(id, owner, spec.storedFor(id, null), false,
                    1, now, now);
            byId.put(id, integration);
            queue.integrationCreated(id);
            changes++;
            return integration;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Integration update(String id, IntegrationSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return change(id, current -> new Integration(id, current.owner(),
                spec.storedFor(id, current.spec()), current.paused(), current.version() + 1,
                current.created(), now()));
    }

    @Override
    public void delete(String id) {
        lock.lock();
        try {
            requireOpen();
            if (byId.remove(id) == null) {
                throw IntegrationStoreRules.noIntegration(id);
            }
            queue.integrationDeleted(id);
            changes++;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Integration> find(String id) {
        lock.lock();
        try {
            requireOpen();
            return Optional.ofNullable(id == null ? null : byId.get(id));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Integration> list(String owner) {
        lock.lock();
        try {
            requireOpen();
            return byId.values().stream().filter(i -> i.owner().equals(owner)).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Integration> listAll() {
        lock.lock();
        try {
            requireOpen();
            return List.copyOf(byId.values());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Integration setPaused(String id, boolean paused) {
        boolean released;
        Integration changed;
        lock.lock();
        try {
            changed = change(id, current -> new Integration(id, current.owner(), current.spec(), paused,
                    current.version() + 1, current.created(), now()));
            released = queue.integrationPaused(id, paused);
        } finally {
            lock.unlock();
        }
        if (released) {
            queue.notifyEnqueued();
        }
        return changed;
    }

    @Override
    public long changeCount() {
        lock.lock();
        try {
            requireOpen();
            return changes;
        } finally {
            lock.unlock();
        }
    }

    /** Fails every later call. Idempotent. */
    void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    private Integration change(String id, Function<Integration, Integration> change) {
        lock.lock();
        try {
            requireOpen();
            Integration current = id == null ? null : byId.get(id);
            if (current == null) {
                throw IntegrationStoreRules.noIntegration(id);
            }
            Integration changed = change.apply(current);
            byId.put(id, changed);
            changes++;
            return changed;
        } finally {
            lock.unlock();
        }
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private void requireOpen() {
        if (closed) {
            throw new IntegrationException(IntegrationException.Reason.STORAGE, "integration store memory is closed");
        }
    }
}
