package io.corral.cloud.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition that becomes true asynchronously. The deadline is a safety net, never an assertion. */
public final class Await {
    private static final long DEADLINE_MILLIS = 20_000;

    private Await() {
    }

    public static void until(String what, BooleanSupplier condition) {
        until(what, condition, Duration.ofMillis(DEADLINE_MILLIS));
    }

    /** For conditions that take long by nature, such as draining a backlog through a slow sink. */
    public static void until(String what, BooleanSupplier condition, Duration deadlineAfter) {
        long deadline = System.currentTimeMillis() + deadlineAfter.toMillis();
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("gave up waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + what, e);
            }
        }
    }
}
