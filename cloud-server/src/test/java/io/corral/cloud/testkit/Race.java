package io.corral.cloud.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * Runs tasks on their own threads, released at the same moment, so a test can make writers meet on one record.
 * Whether they really overlap is up to the scheduler; a test repeats a race to make that likely, and asserts only
 * what must hold in every interleaving.
 */
public final class Race {
    private static final long DEADLINE_SECONDS = 30;

    private Race() {
    }

    /** What one racer ended with: a value, or what it threw. */
    public record Outcome<T>(T value, RuntimeException failure) {
        public boolean succeeded() {
            return failure == null;
        }
    }

    /** Runs {@code task.apply(i)} for i in [0, racers), all started together; outcomes in racer order. */
    public static <T> List<Outcome<T>> run(int racers, IntFunction<T> task) {
        CyclicBarrier start = new CyclicBarrier(racers);
        List<Future<Outcome<T>>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(racers)) {
            for (int i = 0; i < racers; i++) {
                int racer = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    try {
                        return new Outcome<>(task.apply(racer), null);
                    } catch (RuntimeException e) {
                        return new Outcome<>(null, e);
                    }
                }));
            }
            List<Outcome<T>> outcomes = new ArrayList<>();
            for (Future<Outcome<T>> future : futures) {
                outcomes.add(future.get(DEADLINE_SECONDS, TimeUnit.SECONDS));
            }
            return outcomes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while racing", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("a racer did not finish", e);
        }
    }

    /** Runs {@code task} on {@code racers} threads at once, {@code rounds} times each; for races without a result. */
    public static void repeat(int racers, int rounds, RoundTask task) {
        List<Outcome<Void>> outcomes = Race.<Void>run(racers, racer -> {
            for (int round = 0; round < rounds; round++) {
                task.run(racer, round);
            }
            return null;
        });
        for (Outcome<Void> outcome : outcomes) {
            if (!outcome.succeeded()) {
                throw outcome.failure();
            }
        }
    }

    /** One racer's work in one round. */
    @FunctionalInterface
    public interface RoundTask {
        void run(int racer, int round);
    }
}
