package io.corral.cloud.integrations.sqlite;

import io.corral.cloud.integrations.IntegrationException.Reason;
import io.corral.cloud.integrations.IntegrationException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of one SQLite connection: callers submit units of work and get futures; one thread runs
 * whatever has piled up in one transaction and completes all their futures after the one commit. While a commit
 * is syncing, the next batch collects, so the cost of a sync is shared by everyone who arrived during it: group
 * commit, which is what lets thousands of acknowledged publishes per second each wait for a durable write.
 *
 * <p>One failing unit must not fail its batch-mates: if a batch fails, it is rolled back and each unit runs again
 * in a transaction of its own. A unit must therefore have no effect outside the database before its future
 * completes. Futures complete on the writer thread; what callers chain onto them must not block.
 */
final class GroupCommitter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);

    /** A unit of work inside a write transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private record Pending<T>(Work<T> work, CompletableFuture<T> future, boolean bounded) {
        void complete(Object result) {
            @SuppressWarnings("unchecked")
            T typed = (T) result;
            future.complete(typed);
        }
    }

    private final String name;
    private final Connection connection;
    private final int maxBatch;
    private final int maxPending;
    private final Duration linger;
    private final Runnable afterCommit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    /** Appends from publishers, which can be refused when too many wait. */
    private final ArrayDeque<Pending<?>> appends = new ArrayDeque<>();
    /**
     * Everything else: workers' leases and results, operators' changes. These go first into the next transaction:
     * they are few, and a lease stuck behind thousands of appends would be delivery latency for nothing.
     */
    private final ArrayDeque<Pending<?>> priority = new ArrayDeque<>();
    private final Thread thread;
    private final LongAdder commits = new LongAdder();
    private final LongAdder units = new LongAdder();
    private int boundedPending;
    private boolean closed;

    /**
     * @param maxBatch    most units in one transaction
     * @param maxPending  most bounded units waiting; beyond it {@link #submit} fails with OVERLOADED at once
     * @param linger      how long the writer waits for more units after the first one arrives; zero commits as
     *                    soon as the previous commit is done, which batches by itself under load
     * @param afterCommit run on the writer thread after every successful commit; must not block
     */
    GroupCommitter(String name, Connection connection, int maxBatch, int maxPending, Duration linger,
                   Runnable afterCommit) {
        this.name = name;
        this.connection = connection;
        this.maxBatch = maxBatch;
        this.maxPending = maxPending;
        this.linger = linger;
        this.afterCommit = afterCommit;
        this.thread = Thread.ofPlatform().name("corral-queue-writer").daemon().start(this::run);
    }

    /**
     * Queues work for the next transaction.
     *
     * @param bounded true for work that callers can be asked to retry later (appends from devices): it counts
     *                against {@code maxPending}; the workers' own bookkeeping is never refused
     */
    <T> CompletableFuture<T> submit(Work<T> work, boolean bounded) {
        CompletableFuture<T> future = new CompletableFuture<>();
        lock.lock();
        try {
            if (closed) {
                future.completeExceptionally(new IntegrationException(Reason.STORAGE, name + " is closed"));
                return future;
            }
            if (bounded) {
                if (boundedPending >= maxPending) {
                    future.completeExceptionally(new IntegrationException(Reason.OVERLOADED, name + " has "
                            + boundedPending + " appends waiting for a commit, the limit is " + maxPending
                            + "; retry shortly"));
                    return future;
                }
                boundedPending++;
            }
            (bounded ? appends : priority).add(new Pending<>(work, future, bounded));
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
        return future;
    }

    /** Commits so far, and units committed, for the stats. */
    long commits() {
        return commits.sum();
    }

    long unitsCommitted() {
        return units.sum();
    }

    private void run() {
        List<Pending<?>> batch = new ArrayList<>(maxBatch);
        while (true) {
            batch.clear();
            lock.lock();
            try {
                while (appends.isEmpty() && priority.isEmpty() && !closed) {
                    notEmpty.awaitUninterruptibly();
                }
                if (appends.isEmpty() && priority.isEmpty()) {
                    return;
                }
                if (!linger.isZero() && appends.size() + priority.size() < maxBatch && !closed) {
                    notEmpty.await(linger.toNanos(), TimeUnit.NANOSECONDS);
                }
                while (!priority.isEmpty() && batch.size() < maxBatch) {
                    batch.add(priority.poll());
                }
                while (!appends.isEmpty() && batch.size() < maxBatch) {
                    batch.add(appends.poll());
                    boundedPending--;
                }
            } catch (InterruptedException e) {
                // Only close() interrupts, and it has set closed: drain what is queued on the next turn.
                continue;
            } finally {
                lock.unlock();
            }
            execute(batch);
        }
    }

    private void execute(List<Pending<?>> batch) {
        Object[] results = new Object[batch.size()];
        try {
            begin();
            for (int i = 0; i < batch.size(); i++) {
                results[i] = batch.get(i).work.run(connection);
            }
            commit();
        } catch (SQLException | RuntimeException e) {
            rollback(e);
            if (batch.size() > 1 && isUnitsFault(e)) {
                log.debug("{}: a batch of {} failed ({}); running each unit alone", name, batch.size(), e.toString());
                batch.forEach(this::executeAlone);
            } else {
                // The database itself failed (busy past the timeout, I/O, full disk): running each unit alone would
                // only fail each again, one busy timeout at a time.
                batch.forEach(pending -> fail(pending, e));
            }
            return;
        }
        commits.increment();
        units.add(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).complete(results[i]);
        }
        runAfterCommit();
    }

    /**
     * True if the failure belongs to one unit rather than to the database: a constraint, or an exception a unit
     * threw on purpose. SQLite's primary result code 19 is SQLITE_CONSTRAINT.
     */
    private static boolean isUnitsFault(Exception e) {
        return e instanceof RuntimeException || (e instanceof SQLException sql && (sql.getErrorCode() & 0xff) == 19);
    }

    private void executeAlone(Pending<?> pending) {
        Object result;
        try {
            begin();
            result = pending.work.run(connection);
            commit();
        } catch (SQLException | RuntimeException e) {
            rollback(e);
            fail(pending, e);
            return;
        }
        commits.increment();
        units.increment();
        pending.complete(result);
        runAfterCommit();
    }

    private void runAfterCommit() {
        try {
            afterCommit.run();
        } catch (RuntimeException e) {
            log.warn("{}: after-commit hook failed", name, e);
        }
    }

    private void fail(Pending<?> pending, Exception e) {
        pending.future.completeExceptionally(e instanceof IntegrationException ie ? ie
                : new IntegrationException(Reason.STORAGE, name + ": " + e.getMessage(), e));
    }

    private void begin() throws SQLException {
        try (Statement begin = connection.createStatement()) {
            // IMMEDIATE takes the write lock now, so a second process (a separate worker) queues on the busy
            // timeout here instead of failing a commit halfway.
            begin.execute("BEGIN IMMEDIATE");
        }
    }

    private void commit() throws SQLException {
        try (Statement commit = connection.createStatement()) {
            commit.execute("COMMIT");
        }
    }

    private void rollback(Exception cause) {
        try (Statement rollback = connection.createStatement()) {
            rollback.execute("ROLLBACK");
        } catch (SQLException rollbackFailure) {
            // A failed BEGIN leaves no transaction to roll back; anything else is worth keeping.
            if (rollbackFailure.getMessage() == null || !rollbackFailure.getMessage().contains("no transaction")) {
                cause.addSuppressed(rollbackFailure);
            }
        }
    }

    /** Commits what is queued, then stops the writer. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("{}: the writer did not finish within 30 s", name);
        }
    }
}
