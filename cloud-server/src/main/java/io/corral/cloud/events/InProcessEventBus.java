package io.corral.cloud.events;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node {@link EventBus}: subscriptions in memory, indexed by owner, dispatched on one thread.
 *
 * <pre>{@code
 * try (EventBus bus = new InProcessEventBus()) {
 *     Subscription s = bus.subscribe("alice", "temp/", null, e -> System.out.println(e.dataAsText()));
 *     bus.publish(Event.create("temp/kitchen", "21.5".getBytes(UTF_8), Event.TEXT_PLAIN, 60, deviceId, "alice"));
 * }
 * }</pre>
 *
 * <p>By default the bus dispatches on its own daemon thread, which keeps events in publish order for every
 * subscriber; listeners must therefore not block. An executor passed to the constructor stays the caller's:
 * the bus never shuts it down, and events keep their order only if that executor runs tasks in order.
 *
 * <p>Matching scans the owner's subscriptions, so its cost grows with subscriptions per owner; a prefix trie
 * is the next step if one owner ever holds tens of thousands of them.
 */
public final class InProcessEventBus implements EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessEventBus.class);

    private final ConcurrentHashMap<String, Set<LocalSubscription>> byOwner = new ConcurrentHashMap<>();
    private final Executor executor;
    private final ExecutorService ownExecutor;
    private final LongAdder published = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder listenerFailures = new LongAdder();
    private volatile boolean closed;

    /** A bus with its own dispatch thread, stopped by {@link #close()}. */
    public InProcessEventBus() {
        this.ownExecutor = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("corral-event-bus").factory());
        this.executor = ownExecutor;
    }

    /** A bus that dispatches on {@code executor}, which it never shuts down. */
    public InProcessEventBus(Executor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.ownExecutor = null;
    }

    @Override
    public void publish(Event event) {
        Objects.requireNonNull(event, "event");
        if (closed) {
            throw new IllegalStateException("event bus is closed; event " + event.id() + " was not published");
        }
        published.increment();
        Set<LocalSubscription> subscriptions = byOwner.get(event.owner());
        if (subscriptions == null) {
            return;
        }
        try {
            executor.execute(() -> dispatch(event, subscriptions));
        } catch (RejectedExecutionException e) {
            // Only happens while closing: the contract drops undispatched events then.
            LOG.debug("event {} dropped, the bus is closing", event.id());
        }
    }

    private void dispatch(Event event, Set<LocalSubscription> subscriptions) {
        for (LocalSubscription subscription : subscriptions) {
            if (!subscription.matches(event)) {
                continue;
            }
            try {
                subscription.listener.onEvent(event);
                delivered.increment();
            } catch (RuntimeException e) {
                // One failing subscriber must not starve the others.
                listenerFailures.increment();
                LOG.warn("subscriber of '{}' (owner {}) failed on event {}", subscription.prefix, subscription.owner,
                        event.id(), e);
            }
        }
    }

    @Override
    public Subscription subscribe(String owner, String prefix, String deviceFilter, EventListener listener) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(listener, "listener");
        LocalSubscription subscription = new LocalSubscription(owner, prefix, deviceFilter, listener);
        // compute() makes add and the removal of an emptied owner set atomic per owner.
        byOwner.compute(owner, (key, set) -> {
            Set<LocalSubscription> result = set != null ? set : ConcurrentHashMap.newKeySet();
            result.add(subscription);
            return result;
        });
        return subscription;
    }

    /** Events accepted by {@link #publish}. */
    public long publishedCount() {
        return published.sum();
    }

    /** Listener calls that returned normally. */
    public long deliveredCount() {
        return delivered.sum();
    }

    /** Listener calls that threw. */
    public long listenerFailureCount() {
        return listenerFailures.sum();
    }

    @Override
    public void close() {
        closed = true;
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
        }
    }

    private final class LocalSubscription implements Subscription {
        private final String owner;
        private final String prefix;
        private final String deviceFilter;
        private final EventListener listener;
        private volatile boolean cancelled;

        LocalSubscription(String owner, String prefix, String deviceFilter, EventListener listener) {
            this.owner = owner;
            this.prefix = prefix;
            this.deviceFilter = deviceFilter;
            this.listener = listener;
        }

        boolean matches(Event event) {
            // Checked again at dispatch, so a subscription cancelled while events were queued gets none of them.
            return !cancelled && event.name().startsWith(prefix)
                    && (deviceFilter == null || deviceFilter.equals(event.deviceId()));
        }

        @Override
        public String owner() {
            return owner;
        }

        @Override
        public String prefix() {
            return prefix;
        }

        @Override
        public String deviceFilter() {
            return deviceFilter;
        }

        @Override
        public void cancel() {
            cancelled = true;
            byOwner.computeIfPresent(owner, (key, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
        }

        @Override
        public String toString() {
            return "Subscription[" + owner + ", '" + prefix + "'" + (deviceFilter == null ? "" : ", from " + deviceFilter)
                    + "]";
        }
    }
}
