package io.corral.cloud.api;

import io.corral.cloud.events.Event;
import io.corral.cloud.events.Subscription;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Server-Sent Events client. The event bus hands events to {@link #offer} on its own thread, which only
 * queues them; the request's virtual thread writes them out in {@link #run}. The queue is bounded: a client that
 * falls behind by more than its capacity is disconnected at once and counted, so a stalled reader costs a bounded
 * amount of memory and never slows the bus, the devices or the other clients.
 *
 * <p>A comment line goes out at least every heartbeat interval, so proxies keep the connection open and clients
 * notice a dead one.
 */
final class EventStream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventStream.class);
    private static final byte[] OPENED = ":ok\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEARTBEAT = ":heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);
    /** Written in one go before one flush; keeps a burst from turning into one flush per event. */
    private static final int MAX_BATCH = 64;

    private final HttpServletResponse response;
    private final EndPoint connection;
    private final BlockingQueue<byte[]> queue;
    private final long heartbeatNanos;
    private final Function<Event, byte[]> frames;
    private final ApiStats stats;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread writer;
    private volatile Subscription subscription;

    EventStream(HttpServletRequest request, HttpServletResponse response, int capacity, Duration heartbeat,
                Function<Event, byte[]> frames, ApiStats stats) {
        this.response = response;
        // Captured on the request thread; closing it is how another thread cuts a stalled client off.
        this.connection = ServletContextRequest.getServletContextRequest(request).getConnectionMetaData()
                .getConnection().getEndPoint();
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.heartbeatNanos = heartbeat.toNanos();
        this.frames = frames;
        this.stats = stats;
    }

    /** Called on the bus's thread: must never block. */
    void offer(Event event) {
        if (closed.get()) {
            return;
        }
        if (!queue.offer(frames.apply(event))) {
            disconnectSlow();
        }
    }

    /**
     * Writes the stream until the client goes away, falls behind or the server stops. Runs on the request's
     * virtual thread. It subscribes before it writes the opening {@code :ok} comment, so a client that has read
     * {@code :ok} misses no event published after that.
     */
    void run(Supplier<Subscription> subscribe) {
        writer = Thread.currentThread();
        stats.sseClients.increment();
        try {
            subscription = subscribe.get();
            response.setStatus(200);
            response.setContentType("text/event-stream");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-cache");
            // Tells nginx-style proxies not to buffer the stream.
            response.setHeader("X-Accel-Buffering", "no");
            ServletOutputStream out = response.getOutputStream();
            out.write(OPENED);
            out.flush();
            writeUntilClosed(out);
        } catch (IOException e) {
            log.debug("event stream ended: {}", e.toString());
        } catch (InterruptedException e) {
            // close() interrupts the writer when the server stops.
            Thread.currentThread().interrupt();
        } finally {
            close();
            // Again, in case close() ran before the subscription existed; cancelling twice is harmless.
            cancelSubscription();
            stats.sseClients.decrement();
        }
    }

    private void writeUntilClosed(ServletOutputStream out) throws IOException, InterruptedException {
        List<byte[]> batch = new ArrayList<>(MAX_BATCH);
        long nextHeartbeat = System.nanoTime() + heartbeatNanos;
        while (!closed.get()) {
            byte[] frame = queue.poll(Math.max(0, nextHeartbeat - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (frame != null) {
                batch.add(frame);
                queue.drainTo(batch, MAX_BATCH - 1);
                for (byte[] b : batch) {
                    out.write(b);
                }
                stats.sseEventsSent.add(batch.size());
                batch.clear();
            }
            // A heartbeat at least every interval, busy or not: the contract is a comment line every interval.
            if (System.nanoTime() - nextHeartbeat >= 0) {
                out.write(HEARTBEAT);
                nextHeartbeat = System.nanoTime() + heartbeatNanos;
            }
            out.flush();
        }
    }

    private void disconnectSlow() {
        if (closed.compareAndSet(false, true)) {
            stats.sseSlowDisconnects.increment();
            log.info("event stream disconnected: the client fell {} events behind", queue.size());
            cancelSubscription();
            // Fails the writer's blocked write, if it is blocked, and tells the client at once.
            connection.close();
        }
    }

    /** Ends the stream; the writer notices at once. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            cancelSubscription();
            Thread current = writer;
            if (current != null && current != Thread.currentThread()) {
                current.interrupt();
            }
        }
        queue.clear();
    }

    private void cancelSubscription() {
        Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
    }
}
