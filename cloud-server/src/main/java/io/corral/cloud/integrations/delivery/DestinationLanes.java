package io.corral.cloud.integrations.delivery;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lane per destination: at most {@code concurrent} sends to a destination at once (its connection limit), and
 * at most {@code waiting} more deliveries held in memory for it; they start, in order, as earlier sends finish.
 * A delivery beyond that is refused, and its worker gives it back to the queue for a little while.
 *
 * <p>Why lanes, and not just the HTTP client's own queue: a worker leases deliveries without knowing where they
 * go. Without lanes, a busy destination turns most of a lease into "queue full, try later" round trips through the
 * database; with them, a lease fills the lane and the lane drains at the destination's pace. The cap on waiting
 * keeps one slow destination from holding every in-flight slot of the process, so healthy destinations are never
 * starved by it.
 */
public final class DestinationLanes {
    private final int concurrent;
    private final int waiting;
    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
    /** Signalled when a lane that refused has drained to half, so workers that hit it lease again only then. */
    private final Wakeup roomMade = new Wakeup();

    public DestinationLanes(int concurrent, int waiting) {
        this.concurrent = concurrent;
        this.waiting = waiting;
    }

    /** For a worker that just had deliveries refused: the generation to wait on with {@link #awaitRoom}. */
    long roomGeneration() {
        return roomMade.generation();
    }

    /** Waits until a lane that refused has room again, or the timeout. */
    void awaitRoom(long seen, Duration timeout) throws InterruptedException {
        roomMade.awaitAfter(seen, timeout);
    }

    /**
     * Starts {@code send} now if the destination has a free slot, or holds it until one frees up.
     *
     * @return false if the destination's lane is full; {@code send} will not run
     */
    boolean submit(String destination, Runnable send) {
        Lane lane = lanes.computeIfAbsent(destination, d -> new Lane());
        lane.lock.lock();
        try {
            if (lane.active < concurrent) {
                lane.active++;
            } else if (lane.queue.size() < waiting) {
                lane.queue.add(send);
                return true;
            } else {
                lane.refused = true;
                return false;
            }
        } finally {
            lane.lock.unlock();
        }
        send.run();
        return true;
    }

    /** A send to {@code destination} has finished: the next one held for it starts, on this thread. */
    void done(String destination) {
        Lane lane = lanes.get(destination);
        if (lane == null) {
            return;
        }
        Runnable next;
        boolean room = false;
        lane.lock.lock();
        try {
            next = lane.queue.poll();
            if (next == null) {
                lane.active--;
            }
            // Wake refused workers once the lane has drained to half, not at every freed slot: a lease then fits
            // mostly, instead of bringing back one delivery and refusing the rest again.
            if (lane.refused && lane.queue.size() <= waiting / 2) {
                lane.refused = false;
                room = true;
            }
        } finally {
            lane.lock.unlock();
        }
        if (room) {
            roomMade.signal();
        }
        if (next != null) {
            next.run();
        }
    }

    private static final class Lane {
        final ReentrantLock lock = new ReentrantLock();
        final ArrayDeque<Runnable> queue = new ArrayDeque<>();
        int active;
        /** A delivery was refused since the lane last had room: someone waits for {@link #roomMade}. */
        boolean refused;
    }
}
