package io.corral.cloud.integrations.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One circuit breaker per destination (scheme, host, port), so a failing endpoint is slowed down without
 * delaying the healthy ones. After {@code threshold} failures in a row the circuit opens: deliveries to that
 * destination are given back untried until the open time has passed. Then one probe goes through (half open);
 * its success closes the circuit, its failure opens it again for twice as long, up to {@code maxOpen}.
 * Thread-safe; entries are tiny and destinations few, so they are kept for the life of the process.
 */
public final class CircuitBreakers {
    private final int threshold;
    private final Duration firstOpen;
    private final Duration maxOpen;
    private final ConcurrentHashMap<String, Breaker> breakers = new ConcurrentHashMap<>();

    public CircuitBreakers(int threshold, Duration firstOpen, Duration maxOpen) {
        this.threshold = threshold;
        this.firstOpen = firstOpen;
        this.maxOpen = maxOpen;
    }

    /** Null if a send to {@code destination} may go now; else when to try again (with a little jitter). */
    Instant tryAcquire(String destination, Instant now) {
        return breakers.computeIfAbsent(destination, d -> new Breaker()).tryAcquire(now);
    }

    /** Reports how a send that {@link #tryAcquire} let through went. */
    void record(String destination, boolean destinationFailing, Instant now) {
        Breaker breaker = breakers.get(destination);
        if (breaker != null) {
            breaker.record(destinationFailing, now);
        }
    }

    /** A send that {@link #tryAcquire} let through was not made after all: a probe slot is free again. */
    void notSent(String destination) {
        Breaker breaker = breakers.get(destination);
        if (breaker != null) {
            breaker.notSent();
        }
    }

    /** Destinations whose circuit is open or half open now. */
    public long openCount() {
        return breakers.values().stream().filter(Breaker::isOpen).count();
    }

    private final class Breaker {
        private final ReentrantLock lock = new ReentrantLock();
        private int failuresInARow;
        private Duration openFor = firstOpen;
        /** Null while closed. */
        private Instant openUntil;
        private boolean probing;

        Instant tryAcquire(Instant now) {
            lock.lock();
            try {
                if (openUntil == null) {
                    return null;
                }
                if (now.isBefore(openUntil) || probing) {
                    Instant base = probing && !now.isBefore(openUntil) ? now.plusMillis(200) : openUntil;
                    return base.plusMillis(ThreadLocalRandom.current().nextLong(firstOpen.toMillis() / 2 + 1));
                }
                probing = true;
                return null;
            } finally {
                lock.unlock();
            }
        }

        void record(boolean failing, Instant now) {
            lock.lock();
            try {
                if (!failing) {
                    failuresInARow = 0;
                    openUntil = null;
                    probing = false;
                    openFor = firstOpen;
                    return;
                }
                failuresInARow++;
                if (probing) {
                    probing = false;
                    openFor = openFor.multipliedBy(2).compareTo(maxOpen) > 0 ? maxOpen : openFor.multipliedBy(2);
                    openUntil = now.plus(openFor);
                } else if (openUntil == null && failuresInARow >= threshold) {
                    openUntil = now.plus(openFor);
                }
            } finally {
                lock.unlock();
            }
        }

        void notSent() {
            lock.lock();
            try {
                probing = false;
            } finally {
                lock.unlock();
            }
        }

        boolean isOpen() {
            lock.lock();
            try {
                return openUntil != null;
            } finally {
                lock.unlock();
            }
        }
    }
}
