package io.corral.cloud.ops;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a notifier's notifications in order on its own thread, retrying with exponential backoff, and keeps the
 * {@link NotifierHealth} that makes a failing notifier visible. Every notification is logged, sent or not.
 */
final class DeliveringNotifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveringNotifier.class);
    private static final Notification STOP = new Notification(Notification.Action.RESOLVE, RuleId.WORKER_DOWN,
            Severity.WARNING, Component.API, "", java.time.Instant.EPOCH, "", 0);

    private final Notifier notifier;
    private final Route route;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final OpsListener listener;
    private final LinkedBlockingQueue<Notification> queue = new LinkedBlockingQueue<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong gaveUp = new AtomicLong();
    private final AtomicLong consecutiveFailures = new AtomicLong();
    private volatile String lastError;
    private volatile long lastErrorAt;
    private volatile long lastSuccessAt;
    private final Thread thread;

    DeliveringNotifier(Notifier notifier, Route route, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                       OpsListener listener) {
        this.notifier = notifier;
        this.route = route;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.listener = listener;
        this.thread = Thread.ofVirtual().name("corral-notify-" + notifier.name()).start(this::run);
    }

    Route route() {
        return route;
    }

    void submit(Notification notification) {
        log.warn("{} {} [{}] {}: {} -> {} {}", notification.action(), notification.rule().key(),
                notification.severity().wireName(), notification.component().title(), notification.summary(),
                notifier.name(), notifier.target());
        queue.add(notification);
    }

    NotifierHealth health() {
        return new NotifierHealth(notifier.name(), route, notifier.target(), sent.get(), failedAttempts.get(),
                gaveUp.get(), consecutiveFailures.get(), queue.size(), lastError, lastErrorAt, lastSuccessAt);
    }

    private void run() {
        try {
            while (true) {
                Notification next = queue.take();
                if (next == STOP) {
                    return;
                }
                deliver(next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(Notification n) throws InterruptedException {
        long backoff = initialBackoff.toMillis();
        for (int attempt = 1; ; attempt++) {
            String error;
            boolean retryable;
            try {
                notifier.send(n);
                sent.incrementAndGet();
                consecutiveFailures.set(0);
                lastSuccessAt = System.currentTimeMillis();
                return;
            } catch (Notifier.SendFailure e) {
                error = e.getMessage();
                retryable = e.retryable();
            } catch (IOException | RuntimeException e) {
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                retryable = true;
            }
            failedAttempts.incrementAndGet();
            consecutiveFailures.incrementAndGet();
            lastError = error;
            lastErrorAt = System.currentTimeMillis();
            if (!retryable || attempt >= maxAttempts) {
                gaveUp.incrementAndGet();
                log.error("{} {} of {} not sent to {} {} after {} tries: {}", n.action(), n.rule().key(),
                        n.source(), notifier.name(), notifier.target(), attempt, error);
                listener.notificationDropped(notifier.name(), n, error);
                return;
            }
            log.warn("{} {}: try {} of {} to {} failed ({}); retrying in {} ms", n.action(), n.rule().key(), attempt,
                    maxAttempts, notifier.name(), error, backoff);
            TimeUnit.MILLISECONDS.sleep(backoff);
            backoff = Math.min(backoff * 2, maxBackoff.toMillis());
        }
    }

    /** Stops after what is queued has had its chance, waiting at most {@code grace}. */
    void close(Duration grace) {
        queue.add(STOP);
        try {
            if (!thread.join(grace)) {
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
