package io.corral.device.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.device.ConnectionListener;
import io.corral.device.ConnectionState;
import io.corral.device.DeviceException;
import io.corral.device.DeviceException.Reason;
import io.corral.device.ThrowingListener;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The supervisor's reconnect loop, driven by hand: the session says how each attempt ends, the timers record the
 * waits and run the attempts when the test says so, and the clock moves only when the test moves it. Nothing
 * sleeps, so the tests check the exact waits. The real DTLS session is covered by DeviceDtlsTest and
 * DeviceSessionTest.
 */
class ConnectionSupervisorTest {
    private static final Duration BASE = Duration.ofSeconds(1);
    private static final Duration CAP = Duration.ofSeconds(8);
    private static final Duration STABLE_AFTER = Duration.ofSeconds(30);

    /** Answers the upper bound of every draw, so each wait is the ceiling of its range. */
    private static final RandomGenerator HIGHEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    private final ScriptedSession session = new ScriptedSession();
    private final ManualTimers timers = new ManualTimers();
    private final Callouts callouts = new Callouts("0123456789abcdef01234567");
    private final List<Duration> retryIns = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private long now = 1_000_000_000L;

    private ConnectionSupervisor supervisor(RandomGenerator random) {
        callouts.addListener(new ConnectionListener() {
            @Override
            public void onConnectFailed(DeviceException failure, Duration retryIn) {
                retryIns.add(retryIn);
            }

            @Override
            public void onError(String callback, Throwable error) {
                errors.add(callback + ": " + error.getMessage());
            }
        });
        return new ConnectionSupervisor("0123456789abcdef01234567", session, timers, callouts,
                new ConnectionSupervisor.Settings(BASE, CAP, STABLE_AFTER, null, Duration.ofSeconds(10)),
                () -> now, random);
    }

    private static DeviceException timeout() {
        return new DeviceException(Reason.HANDSHAKE_TIMEOUT, "no answer");
    }

    @Test
    void each_failed_attempt_waits_at_most_base_times_two_to_the_attempt_up_to_the_cap() {
        ConnectionSupervisor supervisor = supervisor(HIGHEST);
        for (int i = 0; i < 5; i++) {
            session.outcomes.add(timeout());
        }
        supervisor.start();
        timers.runAll();

        assertThat(retryIns).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                Duration.ofSeconds(8), Duration.ofSeconds(8));
        assertThat(timers.waits).containsExactly(Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(8), Duration.ofSeconds(8));
        assertThat(supervisor.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(session.handshakes).isEqualTo(6);
    }

    @Test
    void the_waits_are_spread_over_the_whole_range_and_never_beyond_it() {
        ConnectionSupervisor supervisor = supervisor(new SplittableRandom(11));
        int failures = 200;
        for (int i = 0; i < failures; i++) {
            session.outcomes.add(timeout());
        }
        supervisor.start();
        timers.runAll();

        assertThat(retryIns).hasSize(failures);
        for (int attempt = 1; attempt <= failures; attempt++) {
            long ceiling = Math.min(CAP.toMillis(), BASE.toMillis() << Math.min(attempt, 30));
            assertThat(retryIns.get(attempt - 1)).isBetween(Duration.ZERO, Duration.ofMillis(ceiling));
        }
        // Full jitter: the capped waits fill [0, cap] rather than sit at the cap.
        List<Duration> capped = retryIns.subList(10, failures);
        assertThat(capped).anySatisfy(wait -> assertThat(wait).isLessThan(CAP.dividedBy(4)));
        assertThat(capped).anySatisfy(wait -> assertThat(wait).isGreaterThan(CAP.multipliedBy(3).dividedBy(4)));
    }

    @Test
    void a_cloud_that_says_when_to_come_back_steers_the_wait_with_at_most_the_base_added() {
        ConnectionSupervisor supervisor = supervisor(HIGHEST);
        Duration maxAge = Duration.ofSeconds(20);
        session.outcomes.add(new DeviceException(Reason.REJECTED, "overloaded", "5.03", maxAge, null));
        session.outcomes.add(new DeviceException(Reason.REJECTED, "overloaded", "5.03", maxAge, null));
        supervisor.start();
        timers.runAll();

        // Max-Age beats the backoff in both directions: above the cap, and above what the attempt count gives.
        assertThat(retryIns).containsExactly(maxAge.plus(BASE), maxAge.plus(BASE));
        assertThat(supervisor.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    /** Two failed attempts (waits of 2 s and 4 s), then a connection. */
    private ConnectionSupervisor connectedAfterTwoFailures() {
        ConnectionSupervisor supervisor = supervisor(HIGHEST);
        session.outcomes.add(timeout());
        session.outcomes.add(timeout());
        supervisor.start();
        timers.runAll();
        assertThat(retryIns).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(supervisor.state()).isEqualTo(ConnectionState.CONNECTED);
        return supervisor;
    }

    @Test
    void the_backoff_starts_over_after_a_connection_that_lasted_stable_after() {
        ConnectionSupervisor supervisor = connectedAfterTwoFailures();

        now += STABLE_AFTER.toNanos();
        supervisor.linkLost(new DeviceException(Reason.TIMEOUT, "keepalive ping unanswered"));
        assertThat(supervisor.state()).isEqualTo(ConnectionState.WAITING_TO_RECONNECT);
        session.outcomes.add(timeout());
        timers.runAll();

        // After the loss, attempt 0 (at most the base); after the next failure, attempt 1 (twice the base).
        assertThat(timers.waits.subList(3, 5)).containsExactly(BASE, Duration.ofSeconds(2));
        assertThat(supervisor.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void a_connection_that_drops_before_stable_after_keeps_backing_off() {
        ConnectionSupervisor supervisor = connectedAfterTwoFailures();

        now += STABLE_AFTER.toNanos() - 1;
        supervisor.linkLost(new DeviceException(Reason.TIMEOUT, "keepalive ping unanswered"));
        timers.runAll();

        assertThat(timers.waits).containsExactly(Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(4));
    }

    @Test
    void refused_credentials_stop_the_retries() {
        ConnectionSupervisor supervisor = supervisor(HIGHEST);
        session.outcomes.add(new DeviceException(Reason.AUTHENTICATION_REFUSED, "bad key"));
        supervisor.start();
        timers.runAll();

        assertThat(retryIns).containsExactly((Duration) null);
        assertThat(timers.waits).containsExactly(Duration.ZERO);
        assertThat(supervisor.state()).isEqualTo(ConnectionState.DISCONNECTED);
    }

    @Test
    void listeners_that_throw_are_reported_and_do_not_stop_the_reconnect_loop() {
        ConnectionSupervisor supervisor = supervisor(HIGHEST);
        callouts.addListener(new ThrowingListener());
        session.outcomes.add(timeout());
        supervisor.start();
        timers.runAll();

        assertThat(supervisor.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(retryIns).containsExactly(Duration.ofSeconds(2));
        assertThat(errors).contains("ConnectionListener.onConnectFailed: onConnectFailed broke",
                "ConnectionListener.onHandshake: onHandshake broke",
                "ConnectionListener.onStateChanged: onStateChanged broke");
        assertThat(callouts.failures()).isEqualTo(errors.size());
    }

    /** A session whose handshakes end as the test scripted: each queued exception fails one, then all succeed. */
    private static final class ScriptedSession implements ConnectionSupervisor.Session {
        final Deque<DeviceException> outcomes = new ArrayDeque<>();
        int handshakes;

        @Override
        public boolean handshake() {
            handshakes++;
            DeviceException failure = outcomes.poll();
            if (failure != null) {
                throw failure;
            }
            return false;
        }

        @Override
        public Duration register() {
            return Duration.ofSeconds(30);
        }

        @Override
        public CompletableFuture<Void> ping() {
            return new CompletableFuture<>();
        }

        @Override
        public void goodbye() {
        }

        @Override
        public void drop() {
        }
    }

    /** Timers that record each wait and run the waiting tasks, in order, on the test's thread when told. */
    private static final class ManualTimers implements ConnectionSupervisor.Timers {
        final List<Duration> waits = new ArrayList<>();
        private final Deque<Runnable> due = new ArrayDeque<>();

        @Override
        public void after(Duration delay, Runnable task) {
            waits.add(delay);
            due.add(task);
        }

        @Override
        public Future<?> every(Duration interval, Runnable task) {
            return new CompletableFuture<Void>();
        }

        void runAll() {
            for (int i = 0; i < 10_000 && !due.isEmpty(); i++) {
                due.remove().run();
            }
        }
    }
}
