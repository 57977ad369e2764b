package io.corral.cloud.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waits for SIGTERM or Ctrl-C on behalf of a long-running command. The JVM's shutdown hook only asks; the
 * command's own thread does the closing, so close() runs once, there, with its errors reported, and the JVM
 * waits up to {@value #GRACE_SECONDS} s for it.
 *
 * <pre>{@code
 * try (ShutdownSignal signal = new ShutdownSignal(); Cloud cloud = ...) {
 *     cloud.start();
 *     signal.await();
 * }   // cloud closes first, then the signal lets the JVM exit
 * }</pre>
 */
final class ShutdownSignal implements AutoCloseable {
    /** How long a signal waits for the command to close what it runs before the JVM exits anyway. */
    static final long GRACE_SECONDS = 30;

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    ShutdownSignal() {
        hook = Thread.ofPlatform().name("corral-shutdown").unstarted(() -> {
            requested.countDown();
            try {
                done.await(GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Blocks until a signal arrives. */
    void await() throws InterruptedException {
        requested.await();
    }

    /** The command has closed what it ran: the JVM may exit now. */
    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already running the hook; nothing to remove.
        }
    }
}
