package io.corral.cloud.admission;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
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
 * <p>A full-handshake hello the rate or the in-flight cap cannot admit yet waits in a first-in first-out queue
 * (when {@link AdmissionSettings#queues()}), and {@link #release()} admits the oldest one as soon as both allow,
 * so devices are served in the order they came instead of by the luck of their retransmission timers. Its
 * retransmissions are dropped while it waits; it leaves the queue unadmitted when it has waited
 * {@link AdmissionSettings#queueWait()}, when its device starts over (a hello with another random) or gives up
 * ({@link #gaveUp}). The oldest hello whose source holds its share of the slots waits while younger ones from
 * other sources go.
 *
 * <p>An open entry holds one of the in-flight slots only while its handshake makes progress: it gives the slot
 * back when it ends, when the cloud had to retransmit its flight (the device did not answer in time), or when it
 * has stalled for the stall timeout. Otherwise devices that gave up (a device's last retransmitted hello is often
 * admitted just as it times out) would hold every slot until the deadline, and the cap would lock everyone out.
 *
 * <p>What the numbers are (the rate, the burst, the in-flight limit) and how they learn is the
 * {@link AdmissionLimit}'s to say, one per mode; the mechanics here are the same for all of them.
 *
 * <p>Decisions come from Scandium's receiver threads and outcomes from its connection threads, a few thousand a
 * second at most, so one {@link ReentrantLock} guards the whole state; counters are {@link LongAdder}s so that
 * metrics read them without the lock.
 */
final class AdmissionPolicy {

    enum Decision {
        ADMITTED, RETRANSMISSION, QUEUED, ALREADY_QUEUED, DEFERRED_RATE, DEFERRED_IN_FLIGHT, DEFERRED_SOURCE,
        DEFERRED_QUEUE_FULL;

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
        final LongAdder deferredQueueFull = new LongAdder();
        /** Hellos put in the queue. */
        final LongAdder queued = new LongAdder();
        /** Queued hellos later admitted. */
        final LongAdder queueAdmitted = new LongAdder();
        /** Queued hellos dropped after waiting the whole queue wait. */
        final LongAdder queueExpired = new LongAdder();
        /** Queued hellos whose device started over or gave up while they waited. */
        final LongAdder queueWithdrawn = new LongAdder();
        /** Retransmissions of queued hellos, dropped: the first copy keeps its place. */
        final LongAdder queueRetransmissions = new LongAdder();
        final LongAdder retransmissions = new LongAdder();
        final LongAdder completedFull = new LongAdder();
        final LongAdder completedResumption = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder abandoned = new LongAdder();

        /** Hellos not admitted when they came: dropped, or queued. */
        long deferred() {
            return deferredRate.sum() + deferredInFlight.sum() + deferredSource.sum() + deferredResumption.sum()
                    + deferredQueueFull.sum() + queued.sum();
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
        /** Full handshakes in flight, this one included, when it was admitted; what a concurrency limit samples. */
        int inFlightAtAdmission;
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

    /** A full-handshake CLIENT_HELLO waiting for admission, with a copy of its datagram to hand to Scandium. */
    static final class Waiting {
        final InetSocketAddress peer;
        final long fingerprint;
        final long arrivedAt;
        /** Null once it left the queue unadmitted, so that a skipped entry holds no memory until it is polled. */
        byte[] datagram;
        /** Released, expired or withdrawn: what is left of it in the queue is skipped. */
        boolean gone;

        Waiting(InetSocketAddress peer, long fingerprint, long arrivedAt, byte[] datagram) {
            this.peer = peer;
            this.fingerprint = fingerprint;
            this.arrivedAt = arrivedAt;
            this.datagram = datagram;
        }
    }

    /** The queue never holds more waiting hellos than this, whatever the rate and the wait (about 30 MB). */
    static final int MAX_QUEUE = 100_000;
    /** Hellos that left from the middle stay in the deque until they reach its head; they are bounded too. */
    private static final int MAX_DEQUE = 2 * MAX_QUEUE;
    /** How far past the oldest waiting hello {@link #release()} looks for one whose source is under its share. */
    private static final int RELEASE_SCAN = 64;

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
    private final AdmissionLimit limit;
    private final LongSupplier nanoClock;
    private final long deadlineNanos;
    private final long stallNanos;
    private final long queueWaitNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever {@link #release()} may have something to admit: a hello queued, a slot freed, a new rate. */
    private final Condition releasable = lock.newCondition();
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
    /** Waiting hellos in arrival order; withdrawn ones stay until they reach the head. */
    private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
    private final Map<InetSocketAddress, Waiting> waitingByPeer = new HashMap<>();
    private final Map<InetAddress, Integer> waitingPerSource = new HashMap<>();
    private volatile int queueLength;
    private int fullInFlight;
    private volatile int inFlight;
    private volatile int open;
    private volatile int inFlightPeak;
    private volatile int inFlightLimit;
    private volatile double rate;

    /** With the limit of the settings' mode. */
    AdmissionPolicy(AdmissionSettings settings, LongSupplier nanoClock) {
        this(settings, AdmissionLimit.of(settings), nanoClock);
    }

    AdmissionPolicy(AdmissionSettings settings, AdmissionLimit limit, LongSupplier nanoClock) {
        this.settings = settings;
        this.limit = limit;
        this.nanoClock = nanoClock;
        this.deadlineNanos = settings.handshakeDeadline().toNanos();
        this.stallNanos = settings.stallTimeout().toNanos();
        this.queueWaitNanos = settings.queueWait().toNanos();
        long now = nanoClock.getAsLong();
        this.rate = limit.rate();
        this.fullBucket = new TokenBucket(limit.rate(), limit.burst(), now);
        this.resumptionBucket = new TokenBucket(settings.resumptionRate(), settings.resumptionBurst(), now);
        this.inFlightLimit = limit.inFlightLimit();
    }

    /** Decides on a CLIENT_HELLO with a cookie; a queued one keeps no copy of its datagram (tests). */
    Decision admit(HelloKind kind, InetSocketAddress peer, long fingerprint) {
        return admit(kind, peer, fingerprint, null, 0, 0);
    }

    /**
     * Decides on a CLIENT_HELLO with a cookie ({@link HelloKind#FULL} or {@link HelloKind#RESUMPTION}); when it
     * is {@link Decision#QUEUED}, {@code datagram[offset, offset + length)} is copied, for {@link #release()}.
     */
    Decision admit(HelloKind kind, InetSocketAddress peer, long fingerprint, byte[] datagram, int offset,
                   int length) {
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
            Waiting waiting = waitingByPeer.get(peer);
            if (waiting != null) {
                if (waiting.fingerprint == fingerprint) {
                    counters.queueRetransmissions.increment();
                    return Decision.ALREADY_QUEUED;
                }
                dropFromQueue(waiting, counters.queueWithdrawn); // the device started over
            }
            Decision decision = decide(full, peer, current, now);
            if (decision == Decision.ADMITTED) {
                open(peer, full, fingerprint, current, now);
                return decision;
            }
            if (full && settings.queues()
                    && (decision == Decision.DEFERRED_RATE || decision == Decision.DEFERRED_IN_FLIGHT)) {
                decision = enqueue(peer, fingerprint, datagram, offset, length, now);
            }
            switch (decision) {
                case DEFERRED_RATE -> (full ? counters.deferredRate : counters.deferredResumption).increment();
                case DEFERRED_IN_FLIGHT -> counters.deferredInFlight.increment();
                case DEFERRED_SOURCE -> counters.deferredSource.increment();
                case DEFERRED_QUEUE_FULL -> counters.deferredQueueFull.increment();
                default -> { }
            }
            return decision;
        } finally {
            lock.unlock();
        }
    }

    /** Opens the entry of an admitted handshake; a handshake it replaces from the same peer is abandoned. */
    private void open(InetSocketAddress peer, boolean full, long fingerprint, Entry replaced, long now) {
        if (replaced != null) {
            // The peer started over on the same address: Scandium fails the older handshake.
            finish(replaced, Outcome.ABANDONED, now);
        }
        Entry entry = new Entry(peer, full, fingerprint, now);
        byPeer.put(peer, entry);
        byAge.addLast(entry);
        slotsByAge.addLast(entry);
        open++;
        if (full) {
            fullInFlight++;
            entry.inFlightAtAdmission = fullInFlight;
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

    private Decision decide(boolean full, InetSocketAddress peer, Entry replaced, long now) {
        if (limit.admitsAll()) {
            return Decision.ADMITTED;
        }
        if (!full) {
            return resumptionBucket.tryTake(now) ? Decision.ADMITTED : Decision.DEFERRED_RATE;
        }
        // The source first: a hello from a source at its share is dropped, not queued for the next free slot.
        if (!sourceHasRoom(peer, replaced)) {
            return Decision.DEFERRED_SOURCE;
        }
        if (fullInFlight - freedBy(replaced) >= inFlightLimit) {
            return Decision.DEFERRED_IN_FLIGHT;
        }
        // First come, first served: while others wait, a newcomer waits behind them.
        if (queueLength > 0 || !fullBucket.tryTake(now)) {
            return Decision.DEFERRED_RATE;
        }
        return Decision.ADMITTED;
    }

    /** A handshake that replaces the peer's open one frees that slot, so it must not be refused for it. */
    private static int freedBy(Entry replaced) {
        return replaced != null && replaced.full && replaced.holdsSlot ? 1 : 0;
    }

    /** Whether the peer's source address holds fewer full handshakes than its share, once {@code replaced} ends. */
    private boolean sourceHasRoom(InetSocketAddress peer, Entry replaced) {
        return fullPerSource.getOrDefault(peer.getAddress(), 0) - freedBy(replaced) < perSourceLimit();
    }

    private Decision enqueue(InetSocketAddress peer, long fingerprint, byte[] datagram, int offset, int length,
                             long now) {
        if (queueLength >= queueCapacity() || queue.size() >= MAX_DEQUE) {
            return Decision.DEFERRED_QUEUE_FULL;
        }
        // Fairness holds in the queue too: one source may fill no more of it than its share of the slots.
        double share = (double) perSourceLimit() / Math.max(1, inFlightLimit);
        if (waitingPerSource.getOrDefault(peer.getAddress(), 0) >= Math.max(1, Math.ceil(queueCapacity() * share))) {
            return Decision.DEFERRED_SOURCE;
        }
        byte[] copy = datagram == null ? null : Arrays.copyOfRange(datagram, offset, offset + length);
        Waiting waiting = new Waiting(peer, fingerprint, now, copy);
        queue.addLast(waiting);
        waitingByPeer.put(peer, waiting);
        waitingPerSource.merge(peer.getAddress(), 1, Integer::sum);
        queueLength++;
        counters.queued.increment();
        releasable.signalAll();
        return Decision.QUEUED;
    }

    /** What the queue may hold: the hellos the rate admits in one queue wait. */
    int queueCapacity() {
        return (int) Math.min(MAX_QUEUE, Math.max(1, Math.ceil(rate * queueWaitNanos / 1e9)));
    }

    private void leaveQueue(Waiting waiting, LongAdder why) {
        waiting.gone = true;
        waitingByPeer.remove(waiting.peer, waiting);
        waitingPerSource.computeIfPresent(waiting.peer.getAddress(), (source, count) -> count > 1 ? count - 1 : null);
        queueLength--;
        why.increment();
    }

    /** Leaves the queue unadmitted: its bytes go now, though the entry stays in the deque until it is polled. */
    private void dropFromQueue(Waiting waiting, LongAdder why) {
        leaveQueue(waiting, why);
        waiting.datagram = null;
    }

    /**
     * The device at {@code peer} gave up its handshake: it sent an alert before any keys, as a DTLS client does
     * when its handshake timer runs out. Its waiting hello would only start a handshake nobody finishes. (A
     * device that starts over needs no call: its new hello, with another random, replaces the waiting one.)
     */
    void gaveUp(InetSocketAddress peer) {
        if (queueLength == 0) {
            return; // the common case, without the lock
        }
        lock.lock();
        try {
            Waiting waiting = waitingByPeer.get(peer);
            if (waiting != null) {
                dropFromQueue(waiting, counters.queueWithdrawn);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Admits the oldest waiting hello whose source is under its share of the slots, if the rate and the in-flight
     * cap allow it now.
     *
     * @return the hello, whose datagram the caller hands to Scandium; null if none may go yet
     */
    Waiting release() {
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            expire(now);
            if (queueLength == 0 || fullInFlight >= inFlightLimit) {
                return null;
            }
            Waiting next = null;
            int looked = 0;
            for (var it = queue.iterator(); it.hasNext() && looked < RELEASE_SCAN; ) {
                Waiting waiting = it.next();
                if (waiting.gone) {
                    continue;
                }
                looked++;
                if (sourceHasRoom(waiting.peer, byPeer.get(waiting.peer))) {
                    next = waiting;
                    break;
                }
            }
            if (next == null || !fullBucket.tryTake(now)) {
                return null;
            }
            // Taken from the middle, it stays in the deque, skipped, until it reaches the head.
            leaveQueue(next, counters.queueAdmitted);
            open(next.peer, true, next.fingerprint, byPeer.get(next.peer), now);
            return next;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called after {@link #release()} returned null: waits, at most {@code maxNanos}, until it may admit
     * something. That is the next token when hellos wait and a slot is free; otherwise a signal (a hello queued,
     * a slot freed, a new rate). A token already there means the waiting hellos' sources hold their share, so
     * that too waits for a signal rather than asking again at once.
     */
    void awaitReleasable(long maxNanos) throws InterruptedException {
        lock.lock();
        try {
            long wait = maxNanos;
            if (queueLength > 0 && fullInFlight < inFlightLimit) {
                long untilToken = fullBucket.nanosUntilToken(nanoClock.getAsLong());
                if (untilToken > 0) {
                    wait = Math.min(wait, untilToken);
                }
            }
            releasable.await(wait, TimeUnit.NANOSECONDS);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A source's share of the limit in force: the same share of it as the configured per-source limit is of the
     * configured ceiling, so exactly the configured one at the ceiling. In whole numbers, because a share in
     * floating point can round a whole result up by one (7 of 25 slots came out as 8).
     */
    private int perSourceLimit() {
        long scaled = (long) inFlightLimit * settings.perSourceInFlight();
        return (int) Math.max(1, Math.ceilDiv(scaled, settings.maxInFlight()));
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
        Waiting head;
        while ((head = queue.peekFirst()) != null && (head.gone || now - head.arrivedAt >= queueWaitNanos)) {
            queue.pollFirst();
            if (!head.gone) {
                dropFromQueue(head, counters.queueExpired);
            }
        }
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
        if (entry.full) {
            limit.onHandshakeEnded(new AdmissionLimit.Sample(outcome, now - entry.admittedAt,
                    entry.inFlightAtAdmission));
            apply(now);
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
        releasable.signalAll();
        if (entry.full) {
            fullInFlight--;
            fullPerSource.computeIfPresent(entry.peer.getAddress(), (source, count) -> count > 1 ? count - 1 : null);
        }
    }

    /** Hands the limit what the last control interval measured, and applies what it learnt from it. */
    void learn(AimdRate.Interval measured) {
        lock.lock();
        try {
            limit.onInterval(measured);
            apply(nanoClock.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    /** Takes the limit's numbers when they moved: the bucket keeps the tokens it earned, up to the new burst. */
    private void apply(long now) {
        double newRate = limit.rate();
        double newBurst = limit.burst();
        int newInFlightLimit = limit.inFlightLimit();
        if (newRate == rate && newBurst == fullBucket.burst() && newInFlightLimit == inFlightLimit) {
            return;
        }
        if (newRate != fullBucket.rate() || newBurst != fullBucket.burst()) {
            fullBucket.reconfigure(newRate, newBurst, now);
        }
        rate = newRate;
        inFlightLimit = newInFlightLimit;
        releasable.signalAll(); // a higher limit may let a waiting hello go
    }

    /** The full-handshake rate in force; 0 when nothing is limited. */
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

    /** Hellos waiting in the queue. */
    int queueLength() {
        return queueLength;
    }

    /** Full handshakes holding an in-flight slot. */
    int fullInFlight() {
        lock.lock();
        try {
            return fullInFlight;
        } finally {
            lock.unlock();
        }
    }

    int inFlightPeak() {
        return inFlightPeak;
    }

    /** The cap on full handshakes in flight in force ({@link Integer#MAX_VALUE} when nothing is limited). */
    int inFlightLimit() {
        return inFlightLimit;
    }
}
