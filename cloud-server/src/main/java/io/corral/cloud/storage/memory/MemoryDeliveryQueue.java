package io.corral.cloud.storage.memory;

import io.corral.cloud.events.Event;
import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.model.Attempt;
import io.corral.cloud.integrations.model.Delivery;
import io.corral.cloud.integrations.queue.DeliveryQueue;
import io.corral.cloud.integrations.queue.DeliveryQueueRules;
import io.corral.cloud.integrations.queue.QueueCounts;
import io.corral.cloud.integrations.queue.QueuedDelivery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The {@link DeliveryQueue} of {@link MemoryStorage}: leases, retries, dead letters and replays exactly as in the
 * SQLite queue, but "durable" means "for as long as this process lives".
 *
 * <p>It follows the SQLite queue's model: a delivery is {@code pending}, {@code paused} or {@code dead}; leasing a
 * pending one sets its lease owner and moves its due time to the end of the lease, so a lapsed lease needs no
 * sweeper, and a worker's result is accepted only while the delivery still names it as lease owner. Pending
 * deliveries are indexed by due time, so a lease takes the oldest due ones without a scan.
 *
 * <p>The queue keeps its own view of which integrations exist and which are paused; {@link MemoryIntegrationStore}
 * updates it under the same lock as its own change, as SQLite does in one transaction. Writes complete before
 * they return; listeners run after the lock is released.
 */
final class MemoryDeliveryQueue implements DeliveryQueue {
    private enum State { PENDING, PAUSED, DEAD }

    /** One delivery; mutable, guarded by the lock. */
    private static final class Entry {
        final long id;
        final String integrationId;
        final Event event;
        final Instant queuedAt;
        State state;
        long nextAt;
        String leaseOwner;
        int failures;
        Instant firstFailureAt;
        String lastError;
        Integer lastStatus;
        Instant deadAt;

        Entry(long id, String integrationId, Event event, Instant queuedAt, State state) {
            this.id = id;
            this.integrationId = integrationId;
            this.event = event;
            this.queuedAt = queuedAt;
            this.state = state;
            this.nextAt = queuedAt.toEpochMilli();
        }

        String stateName() {
            return state.name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Comparator<Entry> BY_DUE_TIME = Comparator.<Entry>comparingLong(e -> e.nextAt)
            .thenComparingLong(e -> e.id);

    private final Guard guard;
    private final Clock clock;
    private final int attemptsKept;
    private final TreeMap<Long, Entry> entries = new TreeMap<>();
    /** The pending entries (leased ones included) by due time; an entry's nextAt changes only outside it. */
    private final TreeSet<Entry> due = new TreeSet<>(BY_DUE_TIME);
    /** Entry ids per integration, and whether it is paused: the integrations this queue accepts deliveries for. */
    private final Map<String, PerIntegration> integrations = new HashMap<>();
    /** Entries held per lease owner, so {@link #leaseOwners} needs no scan. */
    private final Map<String, Integer> leasesByOwner = new HashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private long lastId;

    private static final class PerIntegration {
        final TreeMap<Long, Entry> entries = new TreeMap<>();
        final Deque<Attempt> attempts = new ArrayDeque<>();
        boolean paused;
    }

    /**
     * @param lock         shared with the integration store
     * @param attemptsKept attempts kept per integration in the log
     */
    MemoryDeliveryQueue(ReentrantLock lock, Clock clock, int attemptsKept) {
        this.guard = new Guard(lock, MemoryDeliveryQueue::closedFailure);
        this.clock = clock;
        this.attemptsKept = attemptsKept;
    }

    // ---- for the integration store, which holds the lock ----

    void integrationCreated(String integrationId) {
        integrations.put(integrationId, new PerIntegration());
    }

    /** Holds or releases the integration's deliveries, leased ones included; true if released ones are due. */
    boolean integrationPaused(String integrationId, boolean paused) {
        PerIntegration integration = integrations.get(integrationId);
        integration.paused = paused;
        boolean released = false;
        for (Entry entry : integration.entries.values()) {
            if (entry.state == (paused ? State.PENDING : State.PAUSED)) {
                move(entry, paused ? State.PAUSED : State.PENDING, entry.nextAt);
                released |= !paused;
            }
        }
        return released;
    }

    /** Drops the integration's deliveries, dead letters and attempts. */
    void integrationDeleted(String integrationId) {
        PerIntegration integration = integrations.remove(integrationId);
        for (Entry entry : integration.entries.values()) {
            due.remove(entry);
            setLeaseOwner(entry, null);
            entries.remove(entry.id);
        }
    }

    /** Runs the listeners; called after the lock is released. */
    void notifyEnqueued() {
        listeners.forEach(Runnable::run);
    }

    // ---- the queue ----

    @Override
    public CompletableFuture<Void> enqueue(Event event, List<String> integrationIds) {
        if (integrationIds.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Boolean> added = write(() -> {
            Instant now = now();
            boolean anyPending = false;
            for (String id : integrationIds) {
                PerIntegration integration = integrations.get(id);
                if (integration == null) {
                    continue; // deleted meanwhile: skipped, as the contract says
                }
                Entry entry = new Entry(++lastId, id, event, now, integration.paused ? State.PAUSED : State.PENDING);
                entries.put(entry.id, entry);
                integration.entries.put(entry.id, entry);
                if (entry.state == State.PENDING) {
                    due.add(entry);
                    anyPending = true;
                }
            }
            return anyPending;
        });
        if (!added.isCompletedExceptionally() && added.join()) {
            notifyEnqueued();
        }
        return added.thenApply(any -> null);
    }

    @Override
    public CompletableFuture<List<Delivery>> lease(String worker, int max, Duration leaseTime) {
        return write(() -> {
            long now = clock.millis();
            long until = now + leaseTime.toMillis();
            List<Entry> taken = new ArrayList<>();
            for (Iterator<Entry> it = due.iterator(); it.hasNext() && taken.size() < max; ) {
                Entry entry = it.next();
                if (entry.nextAt > now) {
                    break;
                }
                taken.add(entry);
            }
            List<Delivery> leased = new ArrayList<>(taken.size());
            for (Entry entry : taken) {
                move(entry, State.PENDING, until);
                setLeaseOwner(entry, worker);
                leased.add(new Delivery(entry.id, entry.integrationId, entry.event, entry.failures,
                        entry.firstFailureAt, entry.queuedAt, worker, Instant.ofEpochMilli(until)));
            }
            return leased;
        });
    }

    @Override
    public CompletableFuture<Boolean> complete(Delivery delivery, Attempt attempt) {
        return write(() -> {
            Entry entry = leasedEntry(delivery);
            if (entry == null) {
                return false;
            }
            due.remove(entry);
            setLeaseOwner(entry, null);
            entries.remove(entry.id);
            integrations.get(entry.integrationId).entries.remove(entry.id);
            if (attempt != null) {
                logAttempt(attempt);
            }
            return true;
        });
    }

    @Override
    public CompletableFuture<Boolean> retryLater(Delivery delivery, Attempt attempt, Instant nextAt) {
        return recordFailure(delivery, attempt, false, nextAt);
    }

    @Override
    public CompletableFuture<Boolean> deadLetter(Delivery delivery, Attempt attempt) {
        return recordFailure(delivery, attempt, true, null);
    }

    /**
     * Counts a failed attempt and gives up the lease. A retry keeps the state (pending, or paused if the
     * integration was paused meanwhile); a dead letter records when it died.
     */
    private CompletableFuture<Boolean> recordFailure(Delivery delivery, Attempt attempt, boolean dead, Instant nextAt) {
        return write(() -> {
            Entry entry = leasedEntry(delivery);
            if (entry == null) {
                return false;
            }
            entry.failures++;
            if (entry.firstFailureAt == null) {
                entry.firstFailureAt = attempt.at();
            }
            entry.deadAt = dead ? attempt.at() : null;
            entry.lastError = DeliveryQueueRules.clipError(attempt.error());
            entry.lastStatus = attempt.status();
            setLeaseOwner(entry, null);
            move(entry, dead ? State.DEAD : entry.state, nextAt == null ? entry.nextAt : nextAt.toEpochMilli());
            logAttempt(attempt);
            return true;
        });
    }

    @Override
    public CompletableFuture<Boolean> postpone(Delivery delivery, Instant nextAt) {
        return write(() -> {
            Entry entry = leasedEntry(delivery);
            if (entry == null) {
                return false;
            }
            setLeaseOwner(entry, null);
            move(entry, entry.state, nextAt.toEpochMilli());
            return true;
        });
    }

    @Override
    public CompletableFuture<Integer> releaseLeases(String worker) {
        CompletableFuture<Integer> released = write(() -> {
            long now = clock.millis();
            int count = 0;
            for (Entry entry : List.copyOf(entries.values())) {
                if (worker.equals(entry.leaseOwner)) {
                    setLeaseOwner(entry, null);
                    move(entry, entry.state, now);
                    count++;
                }
            }
            return count;
        });
        if (!released.isCompletedExceptionally() && released.join() > 0) {
            notifyEnqueued();
        }
        return released;
    }

    @Override
    public List<String> leaseOwners() {
        return read(() -> List.copyOf(leasesByOwner.keySet()));
    }

    @Override
    public List<Attempt> recentAttempts(String integrationId, int limit) {
        return read(() -> {
            PerIntegration integration = integrations.get(integrationId);
            if (integration == null) {
                return List.of();
            }
            List<Attempt> newestFirst = new ArrayList<>();
            for (Iterator<Attempt> it = integration.attempts.descendingIterator(); it.hasNext()
                    && newestFirst.size() < limit; ) {
                newestFirst.add(it.next());
            }
            return newestFirst;
        });
    }

    @Override
    public List<QueuedDelivery> deadLetters(String integrationId, int limit) {
        return read(() -> {
            PerIntegration integration = integrations.get(integrationId);
            if (integration == null) {
                return List.of();
            }
            return integration.entries.values().stream().filter(e -> e.state == State.DEAD)
                    .sorted(Comparator.<Entry, Instant>comparing(e -> e.deadAt).thenComparingLong(e -> e.id).reversed())
                    .limit(limit)
                    .map(e -> new QueuedDelivery(e.id, e.integrationId, e.event.id(), e.event.name(),
                            e.event.deviceId(), e.stateName(), e.failures, e.queuedAt, null, e.lastError,
                            e.lastStatus, e.deadAt))
                    .toList();
        });
    }

    @Override
    public void replay(String integrationId, long deliveryId) {
        boolean revived = guard.get(() -> {
            PerIntegration integration = integrations.get(integrationId);
            Entry entry = integration == null ? null : integration.entries.get(deliveryId);
            if (entry == null) {
                throw DeliveryQueueRules.noDelivery(integrationId, deliveryId);
            }
            if (entry.state != State.DEAD) {
                throw DeliveryQueueRules.notDead(deliveryId, entry.stateName());
            }
            return revive(integration, entry);
        });
        if (revived) {
            notifyEnqueued();
        }
    }

    @Override
    public int replayAll(String integrationId) {
        int[] replayed = new int[1];
        boolean anyDue = guard.get(() -> {
            PerIntegration integration = integrations.get(integrationId);
            boolean anyRevived = false;
            for (Entry entry : integration == null ? List.<Entry>of() : integration.entries.values()) {
                if (entry.state == State.DEAD) {
                    anyRevived |= revive(integration, entry);
                    replayed[0]++;
                }
            }
            return anyRevived;
        });
        if (anyDue) {
            notifyEnqueued();
        }
        return replayed[0];
    }

    /** A dead letter back to pending (or paused), due now, with a fresh retry window; true if it is due. */
    private boolean revive(PerIntegration integration, Entry entry) {
        entry.failures = 0;
        entry.firstFailureAt = null;
        entry.deadAt = null;
        setLeaseOwner(entry, null);
        move(entry, integration.paused ? State.PAUSED : State.PENDING, clock.millis());
        return entry.state == State.PENDING;
    }

    @Override
    public QueueCounts counts(String integrationId) {
        return read(() -> {
            long now = clock.millis();
            long pending = 0;
            long leased = 0;
            long paused = 0;
            long dead = 0;
            PerIntegration integration = integrationId == null ? null : integrations.get(integrationId);
            if (integrationId != null && integration == null) {
                return new QueueCounts(0, 0, 0, 0);
            }
            for (Entry entry : (integration == null ? entries : integration.entries).values()) {
                switch (entry.state) {
                    case PENDING -> {
                        if (entry.leaseOwner != null && entry.nextAt > now) {
                            leased++;
                        } else {
                            pending++;
                        }
                    }
                    case PAUSED -> paused++;
                    case DEAD -> dead++;
                }
            }
            return new QueueCounts(pending, leased, paused, dead);
        });
    }

    @Override
    public Optional<Instant> oldestPending() {
        return read(() -> entries.values().stream().filter(e -> e.state == State.PENDING).map(e -> e.queuedAt)
                .min(Comparator.naturalOrder()));
    }

    @Override
    public void onEnqueued(Runnable listener) {
        listeners.add(listener);
    }

    /** Fails every later call; what was queued is gone. Idempotent. */
    void close() {
        guard.close();
    }

    // ---- helpers, all called with the lock held ----

    /** The entry if it still names the delivery's worker as lease owner (the result of a lapsed lease is refused). */
    private Entry leasedEntry(Delivery delivery) {
        Entry entry = entries.get(delivery.id());
        return entry != null && delivery.leaseOwner() != null && delivery.leaseOwner().equals(entry.leaseOwner)
                ? entry : null;
    }

    /** Changes state and due time, keeping the due index right: it must never see an entry's time change. */
    private void move(Entry entry, State state, long nextAt) {
        due.remove(entry);
        entry.state = state;
        entry.nextAt = nextAt;
        if (state == State.PENDING) {
            due.add(entry);
        }
    }

    private void setLeaseOwner(Entry entry, String owner) {
        if (entry.leaseOwner != null) {
            leasesByOwner.computeIfPresent(entry.leaseOwner, (o, n) -> n == 1 ? null : n - 1);
        }
        entry.leaseOwner = owner;
        if (owner != null) {
            leasesByOwner.merge(owner, 1, Integer::sum);
        }
    }

    private void logAttempt(Attempt attempt) {
        PerIntegration integration = integrations.get(attempt.integrationId());
        if (integration == null) {
            return;
        }
        integration.attempts.addLast(attempt.error() == null ? attempt : new Attempt(attempt.integrationId(),
                attempt.deliveryId(), attempt.eventId(), attempt.attempt(), attempt.at(), attempt.outcome(),
                attempt.status(), attempt.latency(), DeliveryQueueRules.clipError(attempt.error()),
                attempt.worker()));
        while (integration.attempts.size() > attemptsKept) {
            integration.attempts.removeFirst();
        }
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    /** A write: completes at once, as nothing waits for a disk; fails as a future, as SQLite's writes do. */
    private <T> CompletableFuture<T> write(Supplier<T> work) {
        try {
            return CompletableFuture.completedFuture(guard.get(work));
        } catch (IntegrationException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private <T> T read(Supplier<T> work) {
        return guard.get(work);
    }

    private static IntegrationException closedFailure() {
        return new IntegrationException(IntegrationException.Reason.STORAGE, "delivery queue memory is closed");
    }
}
