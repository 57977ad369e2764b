package io.corral.cloud.ops;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches this process's open file descriptors against its limit, from the OS MXBean, so the process stops
 * taking new outbound connections before it runs out instead of crashing (the lesson of a worker that died of fd
 * exhaustion while holding messages). Above the high-water mark it {@linkplain #shedding() sheds}: the
 * integration workers stop leasing and senders stop opening connections; below the low-water mark it recovers.
 * Each change is logged (shedding at ERROR: it needs a person) and told to the {@link Listener}s.
 *
 * <pre>{@code
 * FdWatchdog watchdog = FdWatchdog.start(0.80, 0.70, Duration.ofSeconds(1));
 * watchdog.addListener(new FdWatchdog.Listener() {
 *     public void onShedding(long open, long max) { pager.page("fds " + open + "/" + max); }
 * });
 * if (watchdog.shedding()) { ... }
 * }</pre>
 *
 * <p>On a JVM without a Unix OS MXBean (Windows), the watchdog never sheds. Thread-safe.
 */
public final class FdWatchdog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FdWatchdog.class);

    /** Hears when shedding starts and stops; methods run on the watchdog's thread and must not block. */
    public interface Listener {
        default void onShedding(long openFds, long maxFds) {
        }

        default void onRecovered(long openFds, long maxFds) {
        }
    }

    private final double highWater;
    private final double lowWater;
    private final LongSupplier open;
    private final LongSupplier max;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;
    private volatile boolean shedding;
    private volatile long lastOpen;
    private volatile long lastMax;

    FdWatchdog(double highWater, double lowWater, Duration interval, LongSupplier open, LongSupplier max) {
        if (!(highWater > 0 && highWater <= 1)) {
            throw new IllegalArgumentException("fd highWater must be in (0, 1], was " + highWater);
        }
        if (!(lowWater > 0 && lowWater < highWater)) {
            throw new IllegalArgumentException("fd lowWater must be in (0, highWater " + highWater + "), was " + lowWater);
        }
        Objects.requireNonNull(interval, "interval");
        this.highWater = highWater;
        this.lowWater = lowWater;
        this.open = open;
        this.max = max;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("corral-fd-watchdog").daemon().factory());
        Periodic.guard("fd-watchdog", this::check).run();
        Periodic.withFixedDelay(timer, "fd-watchdog", interval, this::check);
    }

    /**
     * Starts watching.
     *
     * @param highWater fraction of the limit at which shedding starts, in (0, 1]
     * @param lowWater  fraction at which it stops, in (0, highWater)
     * @param interval  how often to look
     */
    public static FdWatchdog start(double highWater, double lowWater, Duration interval) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            return new FdWatchdog(highWater, lowWater, interval, unix::getOpenFileDescriptorCount,
                    unix::getMaxFileDescriptorCount);
        }
        log.info("no Unix OS MXBean: file descriptors are not watched");
        return new FdWatchdog(highWater, lowWater, interval, () -> 0, () -> Long.MAX_VALUE);
    }

    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** True while open descriptors are above the high-water mark and not yet back under the low-water mark. */
    public boolean shedding() {
        return shedding;
    }

    /** Open descriptors at the last look. */
    public long openFds() {
        return lastOpen;
    }

    /** The process's limit at the last look. */
    public long maxFds() {
        return lastMax;
    }

    /** One look; failures (even {@link Error}s while fds run out) are caught and counted by {@link Periodic}. */
    private void check() {
        long openNow = open.getAsLong();
        long maxNow = max.getAsLong();
        lastOpen = openNow;
        lastMax = maxNow;
        if (maxNow <= 0) {
            return;
        }
        double used = (double) openNow / maxNow;
        if (!shedding && used >= highWater) {
            shedding = true;
            log.error("file descriptors at {} of {} ({}%): no new outbound connections until below {}%", openNow,
                    maxNow, Math.round(used * 100), Math.round(lowWater * 100));
            listeners.forEach(l -> l.onShedding(openNow, maxNow));
        } else if (shedding && used < lowWater) {
            shedding = false;
            log.warn("file descriptors back to {} of {}: outbound connections resume", openNow, maxNow);
            listeners.forEach(l -> l.onRecovered(openNow, maxNow));
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
