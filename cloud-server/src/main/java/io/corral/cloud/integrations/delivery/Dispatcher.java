package io.corral.cloud.integrations.delivery;

import io.corral.cloud.integrations.IntegrationListener;
import io.corral.cloud.integrations.model.Attempt;
import io.corral.cloud.integrations.model.Delivery;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.MqttSettings;
import io.corral.cloud.integrations.model.WebhookSettings;
import io.corral.cloud.integrations.queue.DeliveryQueue;
import io.corral.cloud.integrations.store.IntegrationIndex;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one leased delivery and records what came of it: the part of a worker that runs once per delivery.
 * {@link #dispatch} returns as soon as the send has started; the outcome is handled on the sender's thread,
 * where only non-blocking work happens (queue writes are futures, bus publishes are asynchronous).
 */
public final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final DeliveryQueue queue;
    private final IntegrationIndex index;
    private final Senders senders;
    private final CircuitBreakers breakers;
    private final HookEvents hooks;
    private final RetryPolicy retry;
    private final Counters counters;
    private final Semaphore inFlight;
    private final DestinationLanes lanes;
    private final IntegrationListener listener;
    private final SuccessSampler successLog = new SuccessSampler();
    private final Duration busyBackoff;
    private final Clock clock;

    public Dispatcher(DeliveryQueue queue, IntegrationIndex index, Senders senders, CircuitBreakers breakers,
                      HookEvents hooks, RetryPolicy retry, Counters counters, Semaphore inFlight,
                      DestinationLanes lanes, IntegrationListener listener, Duration busyBackoff, Clock clock) {
        this.queue = queue;
        this.index = index;
        this.senders = senders;
        this.breakers = breakers;
        this.hooks = hooks;
        this.retry = retry;
        this.counters = counters;
        this.inFlight = inFlight;
        this.lanes = lanes;
        this.listener = listener;
        this.busyBackoff = busyBackoff;
        this.clock = clock;
    }

    Semaphore inFlight() {
        return inFlight;
    }

    DeliveryQueue queue() {
        return queue;
    }

    DestinationLanes lanes() {
        return lanes;
    }

    /**
     * Sends the delivery; takes over one in-flight permit the caller holds, and gives it back when done.
     *
     * @return false if the delivery's destination had no room and it went back to the queue: the caller should
     *         wait for room ({@link DestinationLanes#awaitRoom}) before it leases more
     */
    boolean dispatch(Delivery delivery) {
        Instant now = clock.instant();
        Integration integration = index.get(delivery.integrationId());
        if (integration == null) {
            counters.dropped.increment();
            inFlight.release();
            record(queue.complete(delivery, attempt(delivery, now, Attempt.Outcome.DROPPED, null, Duration.ZERO,
                    "integration " + delivery.integrationId() + " no longer exists")));
            return true;
        }
        String destination = integration.spec().target().destination();
        if (!lanes.submit(destination, () -> start(delivery, integration, destination))) {
            // The destination has as much as it may hold in this process; another lease will bring it back.
            counters.postponed.increment();
            inFlight.release();
            record(queue.postpone(delivery, now.plusMillis(100 + ThreadLocalRandom.current().nextLong(100))));
            return false;
        }
        return true;
    }

    /** Runs when the destination's lane has a free slot: checks the circuit, then sends. */
    private void start(Delivery delivery, Integration integration, String destination) {
        Instant retryAt = breakers.tryAcquire(destination, clock.instant());
        if (retryAt != null) {
            counters.postponed.increment();
            inFlight.release();
            lanes.done(destination);
            record(queue.postpone(delivery, retryAt));
            return;
        }
        CompletableFuture<SendResult> sent;
        try {
            sent = send(delivery, integration);
        } catch (RuntimeException e) {
            sent = CompletableFuture.completedFuture(SendResult.failed(SendResult.Kind.RETRYABLE, null, Duration.ZERO,
                    "sender failed: " + e));
        }
        sent.whenComplete((result, failure) -> {
            inFlight.release();
            try {
                finish(delivery, integration, destination, result != null ? result
                        : SendResult.failed(SendResult.Kind.RETRYABLE, null, Duration.ZERO, "sender failed: " + failure));
            } catch (RuntimeException e) {
                // The lease runs out and the delivery goes out again: nothing is lost, but say so.
                log.warn("recording the result of delivery {} failed", delivery.id(), e);
            } finally {
                lanes.done(destination);
            }
        });
    }

    /** Hands the delivery to its target's sender. A kind of target without a case here does not compile. */
    private CompletableFuture<SendResult> send(Delivery delivery, Integration integration) {
        return switch (integration.spec().target()) {
            case WebhookSettings webhook -> senders.webhook().send(delivery, integration, webhook);
            case MqttSettings mqtt -> senders.mqtt().send(delivery, integration, mqtt);
        };
    }

    private void finish(Delivery delivery, Integration integration, String destination, SendResult result) {
        Instant now = clock.instant();
        if (result.kind() == SendResult.Kind.NOT_SENT) {
            breakers.notSent(destination);
            counters.postponed.increment();
            long jitter = ThreadLocalRandom.current().nextLong(busyBackoff.toMillis() + 1);
            record(queue.postpone(delivery, now.plus(busyBackoff).plusMillis(jitter)));
            return;
        }
        breakers.record(destination, result.destinationFailing(), now);
        if (result.kind() == SendResult.Kind.DELIVERED) {
            counters.delivered.increment();
            record(queue.complete(delivery, successLog.sample(integration.id(), now) ? attempt(delivery, now,
                    Attempt.Outcome.DELIVERED, result.status(), result.latency(), null) : null));
            hooks.sent(delivery.event());
            hooks.response(delivery.event(), integration.spec().target(), result.response());
            return;
        }
        Instant firstFailure = delivery.firstFailureAt() != null ? delivery.firstFailureAt() : now;
        Optional<Instant> next = result.kind() == SendResult.Kind.PERMANENT ? Optional.empty()
                : retry.next(delivery.failures() + 1, firstFailure, now, result.retryAfter());
        if (next.isPresent()) {
            counters.retried.increment();
            record(queue.retryLater(delivery, attempt(delivery, now, Attempt.Outcome.RETRY, result.status(),
                    result.latency(), result.error()), next.get()));
        } else {
            counters.deadLettered.increment();
            log.warn("delivery {} of event {} to integration {} is a dead letter after {} tries: {}", delivery.id(),
                    delivery.event().id(), integration.id(), delivery.attempt(), result.error());
            record(queue.deadLetter(delivery, attempt(delivery, now, Attempt.Outcome.DEAD, result.status(),
                    result.latency(), result.error())));
            tell(() -> listener.onDeadLetter(delivery, result.error()));
        }
        hooks.error(delivery.event(), integration, result.error());
    }

    /** A listener that throws must not turn into a lost result. */
    static void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("an integration listener threw", e);
        }
    }

    private static Attempt attempt(Delivery delivery, Instant at, Attempt.Outcome outcome, Integer status,
                                   Duration latency, String error) {
        return new Attempt(delivery.integrationId(), delivery.id(), delivery.event().id(), delivery.attempt(), at,
                outcome, status, latency, error, delivery.leaseOwner());
    }

    /**
     * Which successes go into the attempts log: every failure is logged, but a busy integration's successes at
     * most {@value #SUCCESSES_PER_SECOND} a second. At thousands of deliveries a second, logging every one would
     * add a third to the queue's writes to tell an operator what the first few already say.
     */
    static final int SUCCESSES_PER_SECOND = 10;

    /** Lock-free: per integration, one long holding the current second (high bits) and its count (low 8 bits). */
    private static final class SuccessSampler {
        private final ConcurrentHashMap<String, AtomicLong> windows = new ConcurrentHashMap<>();

        boolean sample(String integrationId, Instant now) {
            long second = now.getEpochSecond();
            AtomicLong window = windows.computeIfAbsent(integrationId, id -> new AtomicLong());
            while (true) {
                long current = window.get();
                boolean sameSecond = current >>> 8 == second;
                long count = sameSecond ? current & 0xff : 0;
                if (count >= SUCCESSES_PER_SECOND) {
                    return false;
                }
                if (window.compareAndSet(current, (second << 8) | (count + 1))) {
                    return true;
                }
            }
        }
    }

    /** A queue write whose answer matters only for the books: a lost lease is counted, a failure logged. */
    private void record(CompletableFuture<Boolean> write) {
        write.whenComplete((applied, failure) -> {
            if (failure != null) {
                log.warn("the delivery queue refused a result: {}", failure.toString());
            } else if (!applied) {
                counters.lostLeases.increment();
            }
        });
    }
}
