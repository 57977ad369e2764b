package io.corral.cloud.integrations.delivery;

import io.corral.cloud.integrations.IntegrationSettings;
import io.corral.cloud.integrations.model.Delivery;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One integration worker: leases due deliveries, as many as it holds in-flight permits for, and hands each to
 * the {@link Dispatcher}. It beats a heartbeat every turn of its loop, so its {@link WorkerSupervisor} can tell a
 * hung worker from a busy one. A worker never holds anything the queue does not also know: whatever it dies
 * with, its leases are released by the supervisor or run out.
 */
final class Worker implements Runnable {
    private final String id;
    private final int slot;
    private final Dispatcher dispatcher;
    private final Wakeup wakeup;
    private final IntegrationSettings settings;
    private final WorkerHooks hooks;
    private final WorkerSupervisor supervisor;
    /** In-flight permits taken but not yet handed to a send; given back by whoever ends the worker first. */
    private final AtomicInteger heldPermits = new AtomicInteger();
    private volatile long heartbeat = System.nanoTime();
    private volatile boolean stopped;
    private volatile Thread thread;

    Worker(String id, int slot, Dispatcher dispatcher, Wakeup wakeup, IntegrationSettings settings, WorkerHooks hooks,
           WorkerSupervisor supervisor) {
        this.id = id;
        this.slot = slot;
        this.dispatcher = dispatcher;
        this.wakeup = wakeup;
        this.settings = settings;
        this.hooks = hooks;
        this.supervisor = supervisor;
    }

    String id() {
        return id;
    }

    int slot() {
        return slot;
    }

    void start() {
        thread = Thread.ofPlatform().name("corral-worker-" + slot).daemon().start(this);
    }

    /** Nanoseconds since the worker last showed life. */
    long silentNanos() {
        return System.nanoTime() - heartbeat;
    }

    boolean isAlive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** Asks the worker to finish its turn and stop; wakes it if it waits. */
    void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    void join(Duration timeout) throws InterruptedException {
        Thread t = thread;
        if (t != null) {
            t.join(timeout);
        }
    }

    /** For a hung worker: stops it and gives back its unspent permits now, rather than whenever it wakes. */
    void abandon() {
        stop();
        givePermitsBack();
    }

    @Override
    public void run() {
        Throwable failure = null;
        try {
            loop();
        } catch (Throwable t) {
            failure = t;
        } finally {
            givePermitsBack();
            supervisor.exited(this, stopped ? null : failure);
        }
    }

    private void loop() throws InterruptedException, IOException {
        var inFlight = dispatcher.inFlight();
        Duration poll = settings.pollInterval();
        // A lease is one queue write; if the queue cannot answer in this time the turn is abandoned, well before
        // the supervisor would call the worker hung.
        long leaseWaitMillis = Math.max(1, Math.min(settings.hangTimeout().toMillis() / 2, 30_000));
        // Shrinks to what fitted when a destination refused, and grows back (doubling) when nothing was refused:
        // several workers then share a busy destination's room instead of each leasing a batch it cannot take.
        int leaseLimit = settings.batchSize();
        while (!stopped) {
            heartbeat = System.nanoTime();
            if (supervisor.shedding()) {
                wakeup.await(poll);
                continue;
            }
            if (!inFlight.tryAcquire(poll.toNanos(), TimeUnit.NANOSECONDS)) {
                continue;
            }
            int permits = 1;
            while (permits < leaseLimit && inFlight.tryAcquire()) {
                permits++;
            }
            heldPermits.addAndGet(permits);
            long seen = wakeup.generation();
            List<Delivery> leased;
            CompletableFuture<List<Delivery>> lease = dispatcher.queue().lease(id, permits, settings.leaseTime());
            try {
                leased = lease.get(leaseWaitMillis, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                supervisor.leaseFailed(this, e);
                // A lease that commits after all would sit unsent until it lapses: hand it straight back.
                lease.thenAccept(late -> late.forEach(d -> dispatcher.queue().postpone(d, Instant.now())));
                givePermitsBack();
                wakeup.await(poll);
                continue;
            }
            supervisor.counters().leased.add(leased.size());
            long roomSeen = dispatcher.lanes().roomGeneration();
            int accepted = 0;
            boolean refused = false;
            for (Delivery delivery : leased) {
                if (stopped) {
                    break;
                }
                heartbeat = System.nanoTime();
                hooks.beforeDispatch(slot, delivery);
                if (hooks.takeOver(slot, delivery)) {
                    continue; // a test's hook has it; its unspent permit goes back below
                }
                if (heldPermits.getAndDecrement() <= 0) {
                    // Abandoned meanwhile: the supervisor took the permits back and releases the leases.
                    heldPermits.incrementAndGet();
                    return;
                }
                if (dispatcher.dispatch(delivery)) {
                    accepted++;
                } else {
                    refused = true;
                }
            }
            givePermitsBack();
            leaseLimit = refused ? Math.max(1, accepted) : Math.min(settings.batchSize(), leaseLimit * 2);
            if (refused) {
                // A destination is full: leasing again now would only hand its deliveries straight back.
                dispatcher.lanes().awaitRoom(roomSeen, poll);
            } else if (leased.size() < permits) {
                wakeup.awaitAfter(seen, poll);
            }
        }
    }

    private void givePermitsBack() {
        int held = heldPermits.getAndSet(0);
        if (held > 0) {
            dispatcher.inFlight().release(held);
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
