package io.corral.cloud.storage.memory;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The lock a memory part guards its state with, and whether the part is closed: every call runs under the lock
 * and fails with the part's own error once it is closed. Parts that must change together (the integration store
 * and the delivery queue) share one lock and keep a guard each.
 */
final class Guard {
    private final ReentrantLock lock;
    private final Supplier<RuntimeException> closedFailure;
    private volatile boolean closed;

    /** @param closedFailure the error every call gets once {@link #close()} has run */
    Guard(ReentrantLock lock, Supplier<RuntimeException> closedFailure) {
        this.lock = lock;
        this.closedFailure = closedFailure;
    }

    Guard(Supplier<RuntimeException> closedFailure) {
        this(new ReentrantLock(), closedFailure);
    }

    /** Runs {@code work} under the lock, if the part is open. */
    <T> T get(Supplier<T> work) {
        lock.lock();
        try {
            requireOpen();
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} under the lock, if the part is open. */
    void run(Runnable work) {
        get(() -> {
            work.run();
            return null;
        });
    }

    /** For the paths that need no lock: fails if the part is closed. */
    void requireOpen() {
        if (closed) {
            throw closedFailure.get();
        }
    }

    boolean closed() {
        return closed;
    }

    /** Every later call fails. Idempotent. */
    void close() {
        closed = true;
    }
}
