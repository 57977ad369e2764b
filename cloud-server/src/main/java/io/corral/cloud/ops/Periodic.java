package io.corral.cloud.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules the cloud's periodic tasks so that they cannot die: a {@link ScheduledExecutorService} cancels a
 * task for good the first time it throws, silently (the fd watchdog was lost that way to an {@code Error} while
 * fds were exhausted). A task scheduled here catches every {@link Throwable}, logs it (at the 1st, 2nd, 4th, 8th…
 * failure, so a task failing every second does not flood the log), counts it as
 * {@code corral_task_failures_total{task}}, and runs again at its next period.
 *
 * <pre>{@code
 * Periodic.withFixedDelay(timer, "fd-watchdog", Duration.ofSeconds(1), this::check);
 * }</pre>
 *
 * <p>Each task also records when it last finished a run; {@link #tasks()} lists the live ones (those whose
 * executor is not shut down) for the {@code watchdog-stalled} alert, which pages when one has not finished a run
 * for several periods: a task that blocks forever, or whose thread is gone. Process-wide and thread-safe.
 */
public final class Periodic {
    private static final Logger log = LoggerFactory.getLogger(Periodic.class);
    private static final ConcurrentMap<String, LongAdder> FAILURES = new ConcurrentHashMap<>();
    private static final List<Entry> ENTRIES = new CopyOnWriteArrayList<>();
    private static final List<MeterRegistry> REGISTRIES = new CopyOnWriteArrayList<>();

    private Periodic() {
    }

    /** A live periodic task: its name, when it last finished a run (epoch ms) and its period. */
    public record Task(String name, long lastRunMillis, Duration period) {
    }

    private record Entry(String name, Duration period, ScheduledExecutorService executor, AtomicLong lastRun,
                         ScheduledFuture<?>[] future) {
        boolean live() {
            return !executor.isShutdown() && (future[0] == null || !future[0].isCancelled());
        }
    }

    /** Runs {@code task} every {@code period}, the first time after one period; see the class documentation. */
    public static ScheduledFuture<?> withFixedDelay(ScheduledExecutorService executor, String name, Duration period,
                                                    Runnable task) {
        return schedule(executor, name, period, period, task, false);
    }

    /** As {@link #withFixedDelay(ScheduledExecutorService, String, Duration, Runnable)}, first after {@code initialDelay}. */
    public static ScheduledFuture<?> withFixedDelay(ScheduledExecutorService executor, String name,
                                                    Duration initialDelay, Duration period, Runnable task) {
        return schedule(executor, name, initialDelay, period, task, false);
    }

    /** As {@link #withFixedDelay}, at a fixed rate (for control loops that measure per interval). */
    public static ScheduledFuture<?> atFixedRate(ScheduledExecutorService executor, String name, Duration period,
                                                 Runnable task) {
        return schedule(executor, name, period, period, task, true);
    }

    private static ScheduledFuture<?> schedule(ScheduledExecutorService executor, String name, Duration initialDelay,
                                               Duration period, Runnable task, boolean fixedRate) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(task, "task");
        if (period == null || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period of task " + name + " must be > 0, was " + period);
        }
        Runnable guarded = guard(name, task);
        long nanos = period.toNanos();
        long delay = initialDelay.toNanos();
        // Count from the first run, so a task is not stalled before it ever ran.
        AtomicLong lastRun = new AtomicLong(System.currentTimeMillis() + initialDelay.toMillis());
        Entry entry = new Entry(name, period, executor, lastRun, new ScheduledFuture<?>[1]);
        Runnable recorded = () -> {
            try {
                guarded.run();
            } finally {
                lastRun.set(System.currentTimeMillis());
            }
        };
        ENTRIES.removeIf(e -> !e.live());
        ENTRIES.add(entry);
        ScheduledFuture<?> future = fixedRate
                ? executor.scheduleAtFixedRate(recorded, delay, nanos, TimeUnit.NANOSECONDS)
                : executor.scheduleWithFixedDelay(recorded, delay, nanos, TimeUnit.NANOSECONDS);
        entry.future()[0] = future;
        return future;
    }

    /**
     * {@code task} wrapped so that it never throws: every {@link Throwable} is logged and counted under
     * {@code name}. For tasks run by hand or by executors other than a scheduler.
     */
    public static Runnable guard(String name, Runnable task) {
        Objects.requireNonNull(name, "name");
        LongAdder failures = failureCounter(name);
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                failures.increment();
                long n = failures.sum();
                if (Long.bitCount(n) == 1) {
                    log.error("periodic task {} failed (failure {}); it runs again at its next period", name, n, t);
                }
            }
        };
    }

    /** Failures of the tasks named {@code name} since the process started. */
    public static long failures(String name) {
        LongAdder adder = FAILURES.get(name);
        return adder == null ? 0 : adder.sum();
    }

    /** The periodic tasks whose executor still runs, with when each last finished a run. */
    public static List<Task> tasks() {
        List<Task> all = new ArrayList<>();
        for (Entry e : ENTRIES) {
            if (e.live()) {
                all.add(new Task(e.name(), e.lastRun().get(), e.period()));
            }
        }
        return all;
    }

    /** Registers {@code corral_task_failures_total{task}} on {@code registry}, for the tasks known now and later. */
    public static void bindTo(MeterRegistry registry) {
        REGISTRIES.add(registry);
        FAILURES.forEach((name, adder) -> register(registry, name, adder));
    }

    /** Stops registering new task counters on {@code registry} (it is closing). */
    public static void unbind(MeterRegistry registry) {
        REGISTRIES.remove(registry);
    }

    private static LongAdder failureCounter(String name) {
        return FAILURES.computeIfAbsent(name, n -> {
            LongAdder adder = new LongAdder();
            REGISTRIES.forEach(r -> register(r, n, adder));
            return adder;
        });
    }

    private static void register(MeterRegistry registry, String name, LongAdder adder) {
        FunctionCounter.builder("corral.task.failures", adder, LongAdder::sum).tag("task", name)
                .description("failures of a periodic task; it keeps running").register(registry);
        Gauge.builder("corral.task.last.run.age.seconds", name, Periodic::oldestRunAgeSeconds).tag("task", name)
                .description("seconds since the least recent live task of this name finished a run")
                .register(registry);
        Gauge.builder("corral.task.period.seconds", name, Periodic::periodSeconds).tag("task", name)
                .description("how often the task runs").register(registry);
    }

    private static double oldestRunAgeSeconds(String name) {
        long now = System.currentTimeMillis();
        return tasks().stream().filter(t -> t.name().equals(name))
                .mapToDouble(t -> Math.max(0, now - t.lastRunMillis()) / 1000.0).max().orElse(Double.NaN);
    }

    private static double periodSeconds(String name) {
        return tasks().stream().filter(t -> t.name().equals(name)).mapToDouble(t -> t.period().toMillis() / 1000.0)
                .max().orElse(Double.NaN);
    }
}
