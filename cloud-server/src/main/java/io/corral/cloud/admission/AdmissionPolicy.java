package io.corral.cloud.admission;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.HdrHistogram.Recorder;

/**
 * The admission decision and the bookkeeping of admitted handshakes, apart from Scandium so tests can drive it
 * with a fake clock.
 *
 * <p>An admitted CLIENT_HELLO opens an entry for its peer; the handshake it starts ends the entry as completed,
 * failed or abandoned (timed out, replaced by a newer handshake, or still open at the deadline). So
 * {@code admitted = completed + failed + abandoned + open} at every moment. A retransmitted CLIENT_HELLO (same
 * peer, same random) of an open entry passes free: Scandium drops it as a duplicate anyway.
 *
 * <p>An open entry holds one of the in-flight slots only while its handshake makes progress: it gives the slot
 * back when it ends, when the cloud had to retransmit its flight (the device did not answer in time), or when it
 * has stalled for the stall timeout. Otherwise devices that gave up (a device's last retransmitted hello is often
 * admitted just as it times out) would hold every slot until the deadline, and the cap would lock everyone out.
 *
 * <p>Decisions come from Scandium's receiver threads and outcomes from its connection threads, a few thousand a
 * second at most, so one {@link ReentrantLock} guards the whole state; counters are {@link LongAdder}s so that
 * metrics read them without the lock.
 */
final class AdmissionPolicy {

    enum Decision {
        ADMITTED, RETRANSMISSION, DEFERRED_RATE, DEFERRED_IN_FLIGHT, DEFERRED_SOURCE;

        boolean passes() {
            return this == ADMITTED || this == RETRANSMISSION;
        }
    }

    enum Outcome { COMPLETED, FAILED, ABANDONED }

    /** Monotonic counters, by kind where it matters. */
    static final class Counters {
        final LongAdder admittedFull = new LongAdder();
        final LongAdder admittedResumption = new LongAdder();
        final LongAdder deferredRate = new LongAdder();
        final LongAdder deferredInFlight = new LongAdder();
        final LongAdder deferredSource = new LongAdder();
        final LongAdder deferredResumption = new LongAdder();
        final LongAdder retransmissions = new LongAdder();
        final LongAdder completedFull = new LongAdder();
        final LongAdder completedResumption = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder abandoned = new LongAdder();

        long deferred() {
            return deferredRate.sum() + deferredInFlight.sum() + deferredSource.sum() + deferredResumption.sum();
        }

        long admitted() {
            return admittedFull.sum() + admittedResumption.sum();
        }

        long completed() {
            return completedFull.sum() + completedResumption.sum();
        }
    }

    private static final class Entry {
        final InetSocketAddress peer;
        final boolean full;
        final long fingerprint;
        final long admittedAt;
        Object handshake;
        boolean done;
        boolean holdsSlot = true;

        Entry(InetSocketAddress peer, boolean full, long fingerprint, long admittedAt) {
            this.peer = peer;
            this.full = full;
            this.fingerprint = fingerprint;
            this.admittedAt = admittedAt;
        }
    }

    final Counters counters = new Counters();
    /** Admission to session of every completed full handshake, in microseconds. */
    final Recorder fullLatencyMicros = new Recorder(2);
    /**
     * Admission to start of every full handshake, in microseconds: how long admitted work waits for the cloud's
     * handshake threads. The control loop steers by it; unlike the whole latency, the device's own time is not
     * in it.
     */
    final Recorder fullQueueMicros = new Recorder(2);
    private final AdmissionSettings settings;
    private final LongSupplier nanoClock;
    private final long deadlineNanos;
    private final long stallNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final TokenBucket fullBucket;
    private final TokenBucket resumptionBucket;
    private final Map<InetSocketAddress, Entry> byPeer = new HashMap<>();
    /** Entries whose handshake started, so an outcome finds its own entry even after a newer one took the peer. */
    private final Map<Object, Entry> byHandshake = new IdentityHashMap<>();
    /** Entries in admission order: the oldest is the first to pass its deadline... */
    private final ArrayDeque<Entry> byAge = new ArrayDeque<>();
    /** ...and, of those holding a slot, the first to stall. */
    private final ArrayDeque<Entry> slotsByAge = new ArrayDeque<>();
    private final Map<InetAddress, Integer> fullPerSource = new HashMap<>();
    private int fullInFlight;
    private volatile int inFlight;
    private volatile int open;
    private volatile int inFlightPeak;
    private volatile int inFlightLimit;
    private volatile double rate;

    AdmissionPolicy(AdmissionSettings settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.deadlineNanos = settings.handshakeDeadline().toNanos();
        this.stallNanos = settings.stallTimeout().toNanos();
        long now = nanoClock.getAsLong();
        this.rate = settings.rate();
        this.fullBucket = new TokenBucket(settings.rate(), settings.burst(), now);
        this.resumptionBucket = new TokenBucket(settings.resumptionRate(), settings.resumptionBurst(), now);
        this.inFlightLimit = settings.mode() == AdmissionMode.ADAPTIVE ? adaptiveInFlightLimit(settings.rate())
                : settings.maxInFlight();
    }

    /** Decides on a CLIENT_HELLO with a cookie ({@link HelloKind#FULL} or {@link HelloKind#RESUMPTION}). */
    Decision admit(HelloKind kind, InetSocketAddress peer, long fingerprint) {
        boolean full = kind == HelloKind.FULL;
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            expire(now);
            Entry current = byPeer.get(peer);
            if (current != null && current.fingerprint == fingerprint) {
                counters.retransmissions.increment();
                return Decision.RETRANSMISSION;
            }
            Decision decision = decide(full, peer, current, now);
            if (decision == Decision.ADMITTED) {
                if (current != null) {
                    // The peer started over on the same address: Scandium fails the older handshake.
                    finish(current, Outcome.ABANDONED, now);
                }
                Entry entry = new Entry(peer, full, fingerprint, now);
                byPeer.put(peer, entry);
                byAge.addLast(entry);
                slotsByAge.addLast(entry);
                open++;
                if (full) {
                    fullInFlight++;
                    fullPerSource.merge(peer.getAddress(), 1, Integer::sum);
                    counters.admittedFull.increment();
                } else {
                    counters.admittedResumption.increment();
                }
                inFlight++;
                if (inFlight > inFlightPeak) {
                    inFlightPeak = inFlight;
                }
            }
            return decision;
        } finally {
            lock.unlock();
        }
    }

    private Decision decide(boolean full, InetSocketAddress peer, Entry replaced, long now) {
        if (settings.mode() == AdmissionMode.OFF) {
            return Decision.ADMITTED;
        }
        if (!full) {
            if (resumptionBucket.tryTake(now)) {
                return Decision.ADMITTED;
            }
            counters.deferredResumption.increment();
            return Decision.DEFERRED_RATE;
        }
        // A handshake that replaces the peer's open one frees that slot, so it must not be refused for it.
        int freed = replaced != null && replaced.full && replaced.holdsSlot ? 1 : 0;
        if (fullInFlight - freed >= inFlightLimit) {
            counters.deferredInFlight.increment();
            return Decision.DEFERRED_IN_FLIGHT;
        }
        int fromSource = fullPerSource.getOrDefault(peer.getAddress(), 0) - freed;
        if (fromSource >= perSourceLimit()) {
            counters.deferredSource.increment();
            return Decision.DEFERRED_SOURCE;
        }
        if (!fullBucket.tryTake(now)) {
            counters.deferredRate.increment();
            return Decision.DEFERRED_RATE;
        }
        return Decision.ADMITTED;
    }

    private int perSourceLimit() {
        if (settings.mode() == AdmissionMode.ADAPTIVE) {
            // The same share of the adaptive limit as the configured one is of the configured ceiling.
            double share = (double) settings.perSourceInFlight() / settings.maxInFlight();
            return Math.max(1, (int) Math.ceil(inFlightLimit * share));
        }
        return settings.perSourceInFlight();
    }

    /** Scandium started the handshake of the peer's open entry. */
    void started(InetSocketAddress peer, Object handshake) {
        lock.lock();
        try {
            Entry entry = byPeer.get(peer);
            if (entry != null && entry.handshake == null && !entry.done) {
                entry.handshake = handshake;
                byHandshake.put(handshake, entry);
                if (entry.full) {
                    fullQueueMicros.recordValue(Math.max(1, (nanoClock.getAsLong() - entry.admittedAt) / 1000));
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A handshake ended.
     *
     * @return false if it had no open entry: it ended after its deadline, or was never admitted here
     */
    boolean finished(InetSocketAddress peer, Object handshake, Outcome outcome) {
        lock.lock();
        try {
            Entry entry = byHandshake.remove(handshake);
            if (entry == null) {
                Entry pending = byPeer.get(peer);
                if (pending != null && pending.handshake == null) {
                    entry = pending; // ended before we heard it start
                }
            }
            if (entry == null || entry.done) {
                return false;
            }
            finish(entry, outcome, nanoClock.getAsLong());
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The cloud retransmitted the handshake's flight: the device is slow or gone, so its slot goes back. */
    void retransmitted(Object handshake) {
        lock.lock();
        try {
            Entry entry = byHandshake.get(handshake);
            if (entry != null) {
                releaseSlot(entry);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends handshakes past their deadline as abandoned, and takes the slots of stalled ones back; runs on every
     * decision and every control tick.
     */
    void expire() {
        lock.lock();
        try {
            expire(nanoClock.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    private void expire(long now) {
        Entry stalled;
        while ((stalled = slotsByAge.peekFirst()) != null
                && (!stalled.holdsSlot || now - stalled.admittedAt >= stallNanos)) {
            slotsByAge.pollFirst();
            releaseSlot(stalled);
        }
        Entry oldest;
        while ((oldest = byAge.peekFirst()) != null && (oldest.done || now - oldest.admittedAt >= deadlineNanos)) {
            byAge.pollFirst();
            if (!oldest.done) {
                finish(oldest, Outcome.ABANDONED, now);
            }
            if (oldest.handshake != null) {
                byHandshake.remove(oldest.handshake, oldest);
            }
        }
    }

    private void finish(Entry entry, Outcome outcome, long now) {
        entry.done = true;
        byPeer.remove(entry.peer, entry);
        releaseSlot(entry);
        open--;
        if (outcome == Outcome.COMPLETED && entry.full) {
            fullLatencyMicros.recordValue(Math.max(1, (now - entry.admittedAt) / 1000));
        }
        switch (outcome) {
            case COMPLETED -> (entry.full ? counters.completedFull : counters.completedResumption).increment();
            case FAILED -> counters.failed.increment();
            case ABANDONED -> counters.abandoned.increment();
        }
    }

    private void releaseSlot(Entry entry) {
        if (!entry.holdsSlot) {
            return;
        }
        entry.holdsSlot = false;
        inFlight--;
        if (entry.full) {
            fullInFlight--;
            fullPerSource.computeIfPresent(entry.peer.getAddress(), (source, count) -> count > 1 ? count - 1 : null);
        }
    }

    /** Adaptive: the new full-handshake rate; the burst and the in-flight limit follow it. */
    void setRate(double newRate) {
        lock.lock();
        try {
            rate = newRate;
            fullBucket.reconfigure(newRate, adaptiveBurst(newRate), nanoClock.getAsLong());
            inFlightLimit = adaptiveInFlightLimit(newRate);
        } finally {
            lock.unlock();
        }
    }

    /** A tenth of a second's worth: enough to smooth the arrivals, too little to pile up a queue. */
    private double adaptiveBurst(double newRate) {
        return Math.max(1, Math.min(settings.burst(), newRate / 10));
    }

    /**
     * What the rate admits while a handshake waits twice the queue-delay target (its hello, then the device's
     * flight) plus a second for the work and the device: beyond that, admitted handshakes would only queue. A
     * stalled one gives its slot back anyway; the cap stops bursts, the rate does the steering.
     */
    private int adaptiveInFlightLimit(double newRate) {
        double seconds = 2 * settings.queueDelayTarget().toNanos() / 1e9 + 1;
        return (int) Math.max(4, Math.min(settings.maxInFlight(), Math.ceil(newRate * seconds)));
    }

    double rate() {
        return rate;
    }

    /** Admitted handshakes holding a slot: not finished, not stalled. */
    int inFlight() {
        return inFlight;
    }

    /** Admitted handshakes that have not ended yet, stalled ones included. */
    int open() {
        return open;
    }

    int inFlightPeak() {
        return inFlightPeak;
    }

    int inFlightLimit() {
        return settings.mode() == AdmissionMode.OFF ? Integer.MAX_VALUE : inFlightLimit;
    }
}
