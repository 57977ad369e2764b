package io.corral.cloud.integrations;

import io.corral.cloud.integrations.delivery.WorkerHooks;
import io.corral.cloud.integrations.model.Delivery;
import io.corral.cloud.integrations.queue.DeliveryQueue;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults injected into the real integration workers through their package-private {@link WorkerHooks}, for tests
 * outside this package (the alert rules, the incident replay) that must break the real pipeline for real. Each
 * fault belongs to one worker slot ({@code w<slot>} in the alert rules and on the status page) and stays until
 * {@link #heal()}. Production code never sets hooks, so none of this exists outside tests.
 *
 * <pre>{@code
 * InjectedFaults faults = new InjectedFaults();
 * Cloud cloud = Cloud.builder()...integrations(faults.applyTo(IntegrationSettings.builder().workers(3)).build())...;
 * faults.leakFds(2, file, 200);  // worker 2 leaks fds until it dies of EMFILE, again and again
 * }</pre>
 */
public final class InjectedFaults implements WorkerHooks {
    private interface Fault {
        void beforeDispatch(Delivery delivery) throws IOException;

        default boolean takeOver(Delivery delivery) {
            return false;
        }
    }

    private final Map<Integer, Fault> bySlot = new ConcurrentHashMap<>();
    private final List<FileChannel> leaked = new CopyOnWriteArrayList<>();
    private final List<CountDownLatch> frozen = new CopyOnWriteArrayList<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong firstFailureAt = new AtomicLong();
    private final AtomicLong frozenAt = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /** Puts these faults into the workers of whatever runs on the settings: {@code Integrations} or a whole cloud. */
    public IntegrationSettings.Builder applyTo(IntegrationSettings.Builder settings) {
        return settings.hooks(this);
    }

    /** Every delivery the slot's worker touches makes it throw, so each replacement dies too: a crash loop. */
    public void crashLoop(int slot) {
        bySlot.put(slot, delivery -> {
            throw failed(new IllegalStateException("injected: worker " + slot + " crashed"));
        });
    }

    /**
     * The slot's worker opens {@code perDispatch} real file descriptors (read channels on {@code file}) for every
     * delivery it touches and never closes them. Once it holds {@code budget} of them it fails as the JDK does on
     * EMFILE, with an {@link IOException} "Too many open files", and so does every replacement while the
     * descriptors stay open: the crash loop of a worker that ran out of file descriptors.
     */
    public void leakFds(int slot, Path file, int perDispatch, int budget) {
        bySlot.put(slot, delivery -> {
            if (leaked.size() >= budget) {
                throw failed(new IOException("Too many open files"));
            }
            for (int i = 0; i < perDispatch; i++) {
                leaked.add(FileChannel.open(file, StandardOpenOption.READ));
            }
        });
    }

    /**
     * The first delivery the slot's worker touches blocks it until {@link #heal()} or until its supervisor gives up
     * on it and interrupts it: a worker whose thread is lost (stuck in a call that never returns), with its heartbeat
     * stopped and its leases in hand. Replacements run normally.
     */
    public void freezeOnce(int slot) {
        CountDownLatch thaw = new CountDownLatch(1);
        frozen.add(thaw);
        AtomicBoolean used = new AtomicBoolean();
        bySlot.put(slot, delivery -> {
            if (!used.compareAndSet(false, true)) {
                return;
            }
            frozenAt.set(System.currentTimeMillis());
            try {
                thaw.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // abandoned by the supervisor: the worker ends
            }
        });
    }

    /**
     * The slot's worker marks every delivery it touches as done in the queue without sending it and without
     * counting it: work taken in and never put out, while the worker looks alive and busy. Only the conservation
     * check of the {@code flow-imbalance} rule can see this; the events are lost for real.
     */
    public void dropSilently(int slot, DeliveryQueue queue) {
        bySlot.put(slot, new Fault() {
            @Override
            public void beforeDispatch(Delivery delivery) {
            }

            @Override
            public boolean takeOver(Delivery delivery) {
                queue.complete(delivery, null).join();
                dropped.incrementAndGet();
                return true;
            }
        });
    }

    /** Ends every fault: closes the leaked descriptors, thaws frozen workers; the next workers run normally. */
    public void heal() {
        bySlot.clear();
        frozen.forEach(CountDownLatch::countDown);
        frozen.clear();
        for (FileChannel channel : leaked) {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing a read channel on a local file does not fail; nothing to hold on to if it did.
            }
        }
        leaked.clear();
    }

    /** Failures injected so far (each one ended a worker). */
    public long failures() {
        return failures.get();
    }

    /** When the first injected failure ended a worker, epoch ms; 0 while none has. */
    public long firstFailureAt() {
        return firstFailureAt.get();
    }

    /** When a worker froze, epoch ms; 0 while none has. */
    public long frozenAt() {
        return frozenAt.get();
    }

    /** Deliveries dropped silently so far. */
    public long dropped() {
        return dropped.get();
    }

    /** Descriptors leaked and still open. */
    public int leakedFds() {
        return leaked.size();
    }

    private <T extends Exception> T failed(T failure) {
        failures.incrementAndGet();
        firstFailureAt.compareAndSet(0, System.currentTimeMillis());
        return failure;
    }

    @Override
    public void beforeDispatch(int slot, Delivery delivery) throws IOException {
        Fault fault = bySlot.get(slot);
        if (fault != null) {
            fault.beforeDispatch(delivery);
        }
    }

    @Override
    public boolean takeOver(int slot, Delivery delivery) {
        Fault fault = bySlot.get(slot);
        return fault != null && fault.takeOver(delivery);
    }
}
