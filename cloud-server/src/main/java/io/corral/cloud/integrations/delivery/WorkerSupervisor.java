package io.corral.cloud.integrations.delivery;

import io.corral.cloud.integrations.IntegrationListener;
import io.corral.cloud.integrations.IntegrationSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps N {@link Worker}s running. A worker that throws is replaced at once (after a short, growing pause if it
 * keeps dying, so a poisoned setting cannot spin a core); one whose heartbeat is older than the hang timeout is
 * abandoned and replaced. Either way its leases go back to the queue immediately and the failure is counted and
 * logged at ERROR, because fewer live workers means less capacity even while traffic still flows.
 *
 * <p>Worker ids are {@code host:pid:w<slot>.<generation>}. That lets the supervisor also return the leases of
 * workers of a process on this host that no longer exists (a {@code kill -9}-ed cloud or worker process), instead
 * of waiting out their lease time.
 */
public final class WorkerSupervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerSupervisor.class);
    private static final Duration FIRST_RESTART_PAUSE = Duration.ofMillis(50);
    private static final Duration MAX_RESTART_PAUSE = Duration.ofSeconds(5);
    /** A worker that has run this long without failing resets its slot's restart pause. */
    private static final Duration STABLE = Duration.ofSeconds(30);
    private static final Duration ORPHAN_CHECK = Duration.ofSeconds(10);

    private final Dispatcher dispatcher;
    private final Wakeup wakeup;
    private final IntegrationSettings settings;
    private final WorkerHooks hooks;
    private final Counters counters;
    private final BooleanSupplier shedding;
    private final IntegrationListener listener;
    private final String processPrefix;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Slot[] slots;
    private final Thread monitor;
    private boolean closed;
    private long lastOrphanCheck;

    private static final class Slot {
        Worker worker;
        long startedAt;
        int generation;
        int failuresInARow;
        long restartAt;
        /** When the last replaced worker last showed life, epoch ms; read while no worker runs in the slot. */
        long lastSeenMillis = System.currentTimeMillis();
        long replaced;
        boolean exited;
        Throwable failure;
    }

    public WorkerSupervisor(int workers, Dispatcher dispatcher, Wakeup wakeup, IntegrationSettings settings,
                     WorkerHooks hooks, Counters counters, BooleanSupplier shedding, IntegrationListener listener) {
        this.dispatcher = dispatcher;
        this.wakeup = wakeup;
        this.settings = settings;
        this.hooks = hooks;
        this.counters = counters;
        this.shedding = shedding;
        this.listener = listener;
        this.processPrefix = hostName() + ":" + ProcessHandle.current().pid() + ":";
        this.slots = new Slot[workers];
        lock.lock();
        try {
            for (int i = 0; i < workers; i++) {
                slots[i] = new Slot();
                startWorker(i);
            }
        } finally {
            lock.unlock();
        }
        releaseOrphanedLeases();
        this.monitor = Thread.ofPlatform().name("corral-worker-supervisor").daemon().start(this::monitor);
    }

    Counters counters() {
        return counters;
    }

    boolean shedding() {
        return shedding.getAsBoolean();
    }

    /** Called by a worker's thread as it ends; {@code failure} is null for a requested stop. */
    void exited(Worker worker, Throwable failure) {
        lock.lock();
        try {
            Slot slot = slots[worker.slot()];
            if (slot.worker == worker) {
                slot.exited = true;
                slot.failure = failure;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    void leaseFailed(Worker worker, Exception e) {
        log.warn("worker {} could not lease deliveries: {}", worker.id(), e.getCause() != null ? e.getCause() : e);
    }

    private void startWorker(int index) {
        Slot slot = slots[index];
        String id = processPrefix + "w" + index + "." + slot.generation++;
        slot.worker = new Worker(id, index, dispatcher, wakeup, settings, hooks, this);
        slot.exited = false;
        slot.failure = null;
        slot.restartAt = 0;
        slot.startedAt = System.nanoTime();
        slot.worker.start();
    }

    private void monitor() {
        long checkNanos = Math.min(TimeUnit.SECONDS.toNanos(1), settings.hangTimeout().toNanos() / 4);
        lock.lock();
        try {
            while (!closed) {
                long now = System.nanoTime();
                for (int i = 0; i < slots.length; i++) {
                    check(i, now);
                }
                if (now - lastOrphanCheck > ORPHAN_CHECK.toNanos()) {
                    lastOrphanCheck = now;
                    lock.unlock();
                    try {
                        releaseOrphanedLeases();
                    } finally {
                        lock.lock();
                    }
                }
                changed.awaitNanos(nextWait(checkNanos));
            }
        } catch (InterruptedException e) {
            // close() interrupts; nothing more to supervise.
        } finally {
            lock.unlock();
        }
    }

    private long nextWait(long checkNanos) {
        long wait = checkNanos;
        long now = System.nanoTime();
        for (Slot slot : slots) {
            if (slot.worker == null && slot.restartAt != 0) {
                wait = Math.max(1, Math.min(wait, slot.restartAt - now));
            }
        }
        return wait;
    }

    /** Runs under the lock. */
    private void check(int index, long now) {
        Slot slot = slots[index];
        Worker worker = slot.worker;
        if (worker == null) {
            if (now - slot.restartAt >= 0) {
                startWorker(index);
            }
            return;
        }
        if (slot.exited) {
            replace(index, slot.failure != null ? "it failed: " + slot.failure : "it stopped", slot.failure, now);
        } else if (worker.silentNanos() > settings.hangTimeout().toNanos()) {
            worker.abandon();
            replace(index, "it has shown no life for " + TimeUnit.NANOSECONDS.toMillis(worker.silentNanos())
                    + " ms (hang timeout " + settings.hangTimeout().toMillis() + " ms)", null, now);
        }
    }

    private void replace(int index, String why, Throwable failure, long now) {
        Slot slot = slots[index];
        Worker old = slot.worker;
        counters.workerFailures.increment();
        if (now - slot.startedAt > STABLE.toNanos()) {
            slot.failuresInARow = 0;
        }
        slot.failuresInARow++;
        slot.replaced++;
        slot.lastSeenMillis = System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(old.silentNanos());
        log.error("integration worker {} is replaced because {}; its leases go back to the queue", old.id(), why,
                failure);
        Dispatcher.tell(() -> listener.onWorkerReplaced(old.id(), why));
        dispatcher.queue().releaseLeases(old.id()).whenComplete((n, e) -> {
            if (e != null) {
                log.warn("could not release the leases of {}; they run out by themselves: {}", old.id(), e.toString());
            } else if (n > 0) {
                wakeup.signal();
            }
        });
        long pause = FIRST_RESTART_PAUSE.toNanos() << Math.min(slot.failuresInARow - 1, 20);
        slot.worker = null;
        slot.restartAt = now + Math.min(pause, MAX_RESTART_PAUSE.toNanos());
    }

    /**
     * Leases held by workers of dead processes on this host are released at once. Only this host's ids can be
     * judged: a pid elsewhere means nothing here, and those leases simply run out.
     */
    private void releaseOrphanedLeases() {
        String host = hostName() + ":";
        try {
            for (String owner : dispatcher.queue().leaseOwners()) {
                if (!owner.startsWith(host)) {
                    continue;
                }
                Optional<Long> pid = pidOf(owner.substring(host.length()));
                if (pid.isPresent() && ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                if (pid.isPresent()) {
                    int released = dispatcher.queue().releaseLeases(owner).join();
                    log.info("released {} leases of {}, whose process is gone", released, owner);
                    wakeup.signal();
                }
            }
        } catch (RuntimeException e) {
            log.debug("could not look for orphaned leases: {}", e.toString());
        }
    }

    private static Optional<Long> pidOf(String rest) {
        int colon = rest.indexOf(':');
        try {
            return colon < 0 ? Optional.empty() : Optional.of(Long.parseLong(rest.substring(0, colon)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Each slot's last sign of life and replacements, for the alert rules. */
    public List<WorkerHealth> health() {
        lock.lock();
        try {
            long nowMillis = System.currentTimeMillis();
            List<WorkerHealth> all = new ArrayList<>();
            for (int i = 0; i < slots.length; i++) {
                Slot slot = slots[i];
                Worker worker = slot.worker;
                long lastSeen = worker == null ? slot.lastSeenMillis
                        : nowMillis - TimeUnit.NANOSECONDS.toMillis(worker.silentNanos());
                all.add(new WorkerHealth("w" + i, lastSeen, slot.replaced));
            }
            return all;
        } finally {
            lock.unlock();
        }
    }

    /** The live workers' ids, for tests and diagnostics. */
    public List<String> workerIds() {
        lock.lock();
        try {
            List<String> ids = new ArrayList<>();
            for (Slot slot : slots) {
                if (slot.worker != null) {
                    ids.add(slot.worker.id());
                }
            }
            return ids;
        } finally {
            lock.unlock();
        }
    }

    /** Stops every worker, waits briefly for them, and releases their leases so another process can go on at once. */
    @Override
    public void close() {
        List<Worker> workers = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            changed.signalAll();
            for (Slot slot : slots) {
                if (slot.worker != null) {
                    workers.add(slot.worker);
                    slot.worker.stop();
                }
            }
        } finally {
            lock.unlock();
        }
        monitor.interrupt();
        wakeup.signal();
        for (Worker worker : workers) {
            try {
                worker.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Returns the leases of the workers this supervisor ran; call after the sends in flight are finished. */
    public void releaseAllLeases() {
        for (String owner : dispatcher.queue().leaseOwners()) {
            if (owner.startsWith(processPrefix)) {
                dispatcher.queue().releaseLeases(owner).join();
            }
        }
    }
}
