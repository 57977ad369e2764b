package io.corral.cloud.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.admission.AdmissionPolicy.Decision;
import io.corral.cloud.admission.AdmissionPolicy.Outcome;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The admission decision with a fake clock: every budget, and the bookkeeping of handshakes in flight. */
class AdmissionPolicyTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private long fingerprints;

    private AdmissionPolicy policy(AdmissionSettings.Builder settings) {
        return new AdmissionPolicy(settings.build(), clock::get);
    }

    /** Static, and dropping what it cannot admit at once: the budgets alone. */
    private static AdmissionSettings.Builder fixed() {
        return AdmissionSettings.builder().mode(AdmissionMode.STATIC).rate(10).burst(5).maxInFlight(1000)
                .perSourceInFlight(1000).queueWait(Duration.ZERO);
    }

    /** Static, queueing what it cannot admit at once for up to {@code wait}. */
    private static AdmissionSettings.Builder queueing(Duration wait) {
        return fixed().queueWait(wait);
    }

    private static InetSocketAddress peer(int host, int port) {
        return new InetSocketAddress("127.0.0." + host, port);
    }

    private Decision fullHello(AdmissionPolicy policy, InetSocketAddress peer) {
        return policy.admit(HelloKind.FULL, peer, ++fingerprints);
    }

    private void advance(Duration duration) {
        clock.addAndGet(duration.toNanos());
    }

    @Test
    void static_policy_admits_the_burst_at_once_then_the_rate() {
        AdmissionPolicy policy = policy(fixed());
        List<Decision> first = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            first.add(fullHello(policy, peer(1, 1000 + i)));
        }
        assertThat(first).containsExactly(Decision.ADMITTED, Decision.ADMITTED, Decision.ADMITTED, Decision.ADMITTED,
                Decision.ADMITTED, Decision.DEFERRED_RATE);
        advance(Duration.ofMillis(100)); // one token at 10/s
        assertThat(fullHello(policy, peer(1, 2000))).isEqualTo(Decision.ADMITTED);
        assertThat(fullHello(policy, peer(1, 2001))).isEqualTo(Decision.DEFERRED_RATE);
        assertThat(policy.counters.admittedFull.sum()).isEqualTo(6);
        assertThat(policy.counters.deferredRate.sum()).isEqualTo(2);
    }

    @Test
    void admitted_handshakes_never_exceed_rate_times_time_plus_burst_in_any_window() {
        AdmissionPolicy policy = policy(fixed().rate(25).burst(7));
        Random random = new Random(42);
        List<Long> admittedAt = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            advance(Duration.ofNanos(random.nextInt(20_000_000))); // bursts of arrivals, 100/s on average
            if (fullHello(policy, peer(1 + i % 200, 1000 + i)) == Decision.ADMITTED) {
                admittedAt.add(clock.get());
                InetSocketAddress done = peer(1 + i % 200, 1000 + i);
                policy.finished(done, null, Outcome.COMPLETED);
            }
        }
        assertEveryWindowWithin(admittedAt, 25, 7);
        assertThat(admittedAt.size()).isGreaterThan(1000);
    }

    @Test
    void in_flight_cap_defers_until_a_handshake_completes_fails_or_passes_its_deadline() {
        AdmissionPolicy policy = policy(fixed().rate(1000).burst(1000).maxInFlight(2).perSourceInFlight(2)
                .handshakeDeadline(Duration.ofSeconds(10)).stallTimeout(Duration.ofSeconds(10)));
        InetSocketAddress a = peer(1, 1), b = peer(2, 1), c = peer(3, 1), d = peer(4, 1);
        assertThat(fullHello(policy, a)).isEqualTo(Decision.ADMITTED);
        assertThat(fullHello(policy, b)).isEqualTo(Decision.ADMITTED);
        assertThat(fullHello(policy, c)).isEqualTo(Decision.DEFERRED_IN_FLIGHT);

        Object handshakeA = new Object();
        policy.started(a, handshakeA);
        assertThat(policy.finished(a, handshakeA, Outcome.COMPLETED)).isTrue();
        assertThat(fullHello(policy, c)).isEqualTo(Decision.ADMITTED);

        assertThat(policy.finished(b, new Object(), Outcome.FAILED)).isTrue(); // ended before we heard it start
        assertThat(fullHello(policy, d)).isEqualTo(Decision.ADMITTED);

        advance(Duration.ofSeconds(10)); // c and d are past their deadline: abandoned, slots free
        assertThat(fullHello(policy, peer(5, 1))).isEqualTo(Decision.ADMITTED);
        assertThat(policy.counters.completedFull.sum()).isEqualTo(1);
        assertThat(policy.counters.failed.sum()).isEqualTo(1);
        assertThat(policy.counters.abandoned.sum()).isEqualTo(2);
        assertThat(policy.inFlight()).isEqualTo(1);
        assertThat(policy.inFlightPeak()).isEqualTo(2);
        // Every admitted handshake is accounted for exactly once.
        assertThat(policy.counters.admitted()).isEqualTo(policy.counters.completed() + policy.counters.failed.sum()
                + policy.counters.abandoned.sum() + policy.open());
    }

    @Test
    void a_stalled_handshake_gives_its_slot_back_but_still_counts_until_it_ends() {
        AdmissionPolicy policy = policy(fixed().rate(1000).burst(1000).maxInFlight(1).perSourceInFlight(1)
                .stallTimeout(Duration.ofSeconds(2)).handshakeDeadline(Duration.ofSeconds(30)));
        Object slow = new Object();
        fullHello(policy, peer(1, 1));
        policy.started(peer(1, 1), slow);
        assertThat(fullHello(policy, peer(2, 1))).isEqualTo(Decision.DEFERRED_IN_FLIGHT);
        advance(Duration.ofSeconds(2));
        assertThat(fullHello(policy, peer(2, 1))).isEqualTo(Decision.ADMITTED);
        assertThat(policy.inFlight()).isEqualTo(1);
        assertThat(policy.open()).isEqualTo(2);
        assertThat(policy.finished(peer(1, 1), slow, Outcome.COMPLETED)).isTrue();
        assertThat(policy.counters.completedFull.sum()).isEqualTo(1);
        assertThat(policy.inFlight()).isEqualTo(1);
        assertThat(policy.open()).isEqualTo(1);
    }

    @Test
    void a_handshake_whose_flight_the_cloud_retransmits_gives_its_slot_back_at_once() {
        AdmissionPolicy policy = policy(fixed().rate(1000).burst(1000).maxInFlight(1).perSourceInFlight(1));
        Object unanswered = new Object();
        fullHello(policy, peer(1, 1));
        policy.started(peer(1, 1), unanswered);
        assertThat(fullHello(policy, peer(2, 1))).isEqualTo(Decision.DEFERRED_IN_FLIGHT);
        policy.retransmitted(unanswered);
        assertThat(fullHello(policy, peer(2, 1))).isEqualTo(Decision.ADMITTED);
        assertThat(policy.finished(peer(1, 1), unanswered, Outcome.ABANDONED)).isTrue();
        assertThat(policy.counters.abandoned.sum()).isEqualTo(1);
        assertThat(policy.inFlight()).isEqualTo(1);
    }

    @Test
    void one_source_address_cannot_take_more_than_its_share_of_the_slots() {
        AdmissionPolicy policy = policy(fixed().rate(1000).burst(1000).maxInFlight(8).perSourceInFlight(2));
        assertThat(fullHello(policy, peer(1, 1))).isEqualTo(Decision.ADMITTED);
        assertThat(fullHello(policy, peer(1, 2))).isEqualTo(Decision.ADMITTED);
        assertThat(fullHello(policy, peer(1, 3))).isEqualTo(Decision.DEFERRED_SOURCE);
        assertThat(fullHello(policy, peer(2, 1))).isEqualTo(Decision.ADMITTED);
        policy.finished(peer(1, 1), null, Outcome.COMPLETED);
        assertThat(fullHello(policy, peer(1, 3))).isEqualTo(Decision.ADMITTED);
        assertThat(policy.counters.deferredSource.sum()).isEqualTo(1);
    }

    @Test
    void resumptions_have_their_own_larger_budget() {
        AdmissionPolicy policy = policy(fixed().rate(1).burst(1).resumptionRate(100).resumptionBurst(3));
        assertThat(fullHello(policy, peer(1, 1))).isEqualTo(Decision.ADMITTED);
        assertThat(fullHello(policy, peer(1, 2))).isEqualTo(Decision.DEFERRED_RATE);
        for (int i = 0; i < 3; i++) {
            assertThat(policy.admit(HelloKind.RESUMPTION, peer(2, i), ++fingerprints)).isEqualTo(Decision.ADMITTED);
        }
        assertThat(policy.admit(HelloKind.RESUMPTION, peer(2, 9), ++fingerprints)).isEqualTo(Decision.DEFERRED_RATE);
        advance(Duration.ofMillis(10));
        assertThat(policy.admit(HelloKind.RESUMPTION, peer(2, 9), ++fingerprints)).isEqualTo(Decision.ADMITTED);
        policy.finished(peer(2, 0), null, Outcome.COMPLETED);
        assertThat(policy.counters.completedResumption.sum()).isEqualTo(1);
        assertThat(policy.counters.deferredResumption.sum()).isEqualTo(1);
    }

    @Test
    void a_retransmitted_hello_of_an_admitted_handshake_passes_without_a_token() {
        AdmissionPolicy policy = policy(fixed().rate(1).burst(1));
        assertThat(policy.admit(HelloKind.FULL, peer(1, 1), 77)).isEqualTo(Decision.ADMITTED);
        assertThat(policy.admit(HelloKind.FULL, peer(1, 1), 77)).isEqualTo(Decision.RETRANSMISSION);
        assertThat(policy.admit(HelloKind.FULL, peer(1, 1), 77)).isEqualTo(Decision.RETRANSMISSION);
        assertThat(policy.counters.admittedFull.sum()).isEqualTo(1);
        assertThat(policy.counters.retransmissions.sum()).isEqualTo(2);
        assertThat(policy.counters.deferred()).isZero();
    }

    @Test
    void a_new_handshake_from_the_same_address_abandons_the_old_one_whose_late_failure_is_ignored() {
        AdmissionPolicy policy = policy(fixed());
        InetSocketAddress peer = peer(1, 1);
        Object first = new Object();
        policy.admit(HelloKind.FULL, peer, 1);
        policy.started(peer, first);
        assertThat(policy.admit(HelloKind.FULL, peer, 2)).isEqualTo(Decision.ADMITTED);
        Object second = new Object();
        policy.started(peer, second);
        assertThat(policy.finished(peer, first, Outcome.ABANDONED)).isFalse();
        assertThat(policy.finished(peer, second, Outcome.COMPLETED)).isTrue();
        assertThat(policy.counters.abandoned.sum()).isEqualTo(1);
        assertThat(policy.counters.completedFull.sum()).isEqualTo(1);
        assertThat(policy.inFlight()).isZero();
    }

    @Test
    void off_admits_everything_and_still_counts_what_happens() {
        AdmissionPolicy policy = policy(AdmissionSettings.builder().mode(AdmissionMode.OFF).rate(1).burst(1)
                .maxInFlight(1));
        for (int i = 0; i < 100; i++) {
            assertThat(fullHello(policy, peer(1, i))).isEqualTo(Decision.ADMITTED);
        }
        assertThat(policy.inFlight()).isEqualTo(100);
        assertThat(policy.inFlightLimit()).isEqualTo(Integer.MAX_VALUE);
        advance(Duration.ofSeconds(30));
        policy.expire();
        assertThat(policy.counters.abandoned.sum()).isEqualTo(100);
    }

    @Test
    void latency_of_completed_full_handshakes_is_recorded_from_admission() {
        AdmissionPolicy policy = policy(fixed());
        fullHello(policy, peer(1, 1));
        advance(Duration.ofMillis(40));
        policy.finished(peer(1, 1), null, Outcome.COMPLETED);
        assertThat(policy.fullLatencyMicros.getIntervalHistogram().getMaxValue())
                .isCloseTo(TimeUnit.MILLISECONDS.toMicros(40), org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void hellos_the_rate_cannot_admit_wait_in_the_queue_and_go_first_come_first_served() {
        AdmissionPolicy policy = policy(queueing(Duration.ofSeconds(5)).rate(10).burst(1));
        InetSocketAddress a = peer(1, 1), b = peer(2, 1), c = peer(3, 1), d = peer(4, 1);
        assertThat(policy.admit(HelloKind.FULL, a, 1)).isEqualTo(Decision.ADMITTED);
        assertThat(policy.admit(HelloKind.FULL, b, 2)).isEqualTo(Decision.QUEUED);
        assertThat(policy.admit(HelloKind.FULL, c, 3)).isEqualTo(Decision.QUEUED);
        assertThat(policy.admit(HelloKind.FULL, b, 2)).as("b retransmits while it waits").isEqualTo(
                Decision.ALREADY_QUEUED);
        assertThat(policy.release()).as("no token yet").isNull();

        advance(Duration.ofMillis(100));
        // A token is free, but b and c came first: the newcomer waits behind them.
        assertThat(policy.admit(HelloKind.FULL, d, 4)).isEqualTo(Decision.QUEUED);
        AdmissionPolicy.Waiting first = policy.release();
        assertThat(first.peer).isEqualTo(b);
        assertThat(first.fingerprint).isEqualTo(2);
        assertThat(policy.release()).isNull();
        assertThat(policy.admit(HelloKind.FULL, b, 2)).as("admitted now: Scandium sees its retransmissions")
                .isEqualTo(Decision.RETRANSMISSION);
        advance(Duration.ofMillis(100));
        assertThat(policy.release().peer).isEqualTo(c);
        advance(Duration.ofMillis(100));
        assertThat(policy.release().peer).isEqualTo(d);
        assertThat(policy.queueLength()).isZero();
        assertThat(policy.counters.queued.sum()).isEqualTo(3);
        assertThat(policy.counters.queueAdmitted.sum()).isEqualTo(3);
        assertThat(policy.counters.queueRetransmissions.sum()).isEqualTo(1);
        assertThat(policy.counters.admittedFull.sum()).isEqualTo(4);
        assertThat(policy.counters.deferred()).as("queued hellos are deferred ones").isEqualTo(3);
    }

    @Test
    void a_queued_hello_keeps_a_copy_of_its_datagram() {
        AdmissionPolicy policy = policy(queueing(Duration.ofSeconds(5)).rate(10).burst(1));
        fullHello(policy, peer(1, 1));
        byte[] datagram = {9, 1, 2, 3, 9};
        assertThat(policy.admit(HelloKind.FULL, peer(2, 1), 5, datagram, 1, 3)).isEqualTo(Decision.QUEUED);
        datagram[2] = 0; // Scandium reuses its receive buffer
        advance(Duration.ofMillis(100));
        assertThat(policy.release().datagram).containsExactly(1, 2, 3);
    }

    @Test
    void the_queue_holds_what_the_rate_admits_in_one_queue_wait_and_drops_what_waited_longer() {
        AdmissionPolicy policy = policy(queueing(Duration.ofSeconds(1)).rate(10).burst(1));
        fullHello(policy, peer(1, 1));
        for (int i = 0; i < 10; i++) {
            assertThat(fullHello(policy, peer(2, i))).isEqualTo(Decision.QUEUED);
        }
        assertThat(fullHello(policy, peer(3, 1))).isEqualTo(Decision.DEFERRED_QUEUE_FULL);
        assertThat(policy.queueCapacity()).isEqualTo(10);
        advance(Duration.ofMillis(100));
        assertThat(policy.release().peer).isEqualTo(peer(2, 0));
        advance(Duration.ofMillis(900)); // the other nine have waited the whole second
        assertThat(policy.release()).isNull();
        assertThat(policy.queueLength()).isZero();
        assertThat(policy.counters.queueExpired.sum()).isEqualTo(9);
        assertThat(policy.counters.deferredQueueFull.sum()).isEqualTo(1);
        assertThat(fullHello(policy, peer(3, 1))).as("a token and an empty queue").isEqualTo(Decision.ADMITTED);
    }

    @Test
    void a_device_that_starts_over_or_gives_up_takes_its_waiting_hello_out_of_the_queue() {
        AdmissionPolicy policy = policy(queueing(Duration.ofSeconds(5)).rate(10).burst(1));
        fullHello(policy, peer(1, 1));
        InetSocketAddress restarts = peer(2, 1), givesUp = peer(3, 1), waits = peer(4, 1);
        policy.admit(HelloKind.FULL, restarts, 20);
        policy.admit(HelloKind.FULL, givesUp, 30);
        policy.admit(HelloKind.FULL, waits, 40);
        policy.gaveUp(givesUp);
        assertThat(policy.queueLength()).isEqualTo(2);
        // A new attempt, with another random, replaces the waiting one at the back instead of queueing twice.
        assertThat(policy.admit(HelloKind.FULL, restarts, 21)).isEqualTo(Decision.QUEUED);
        assertThat(policy.queueLength()).isEqualTo(2);
        assertThat(policy.counters.queueWithdrawn.sum()).isEqualTo(2);
        advance(Duration.ofMillis(100));
        assertThat(policy.release().peer).isEqualTo(waits);
        advance(Duration.ofMillis(100));
        AdmissionPolicy.Waiting next = policy.release();
        assertThat(next.peer).isEqualTo(restarts);
        assertThat(next.fingerprint).isEqualTo(21);
        assertThat(policy.queueLength()).isZero();
    }

    @Test
    void a_source_at_its_share_is_not_queued_and_its_waiting_hellos_let_others_go_first() {
        AdmissionPolicy policy = policy(queueing(Duration.ofSeconds(5)).rate(1000).burst(1000).maxInFlight(3)
                .perSourceInFlight(2));
        InetSocketAddress a1 = peer(1, 1), a2 = peer(1, 2), a3 = peer(1, 3), a4 = peer(1, 4);
        InetSocketAddress b1 = peer(2, 1), b2 = peer(2, 2), c1 = peer(3, 1);
        assertThat(fullHello(policy, a1)).isEqualTo(Decision.ADMITTED);
        assertThat(fullHello(policy, b1)).isEqualTo(Decision.ADMITTED);
        assertThat(fullHello(policy, c1)).isEqualTo(Decision.ADMITTED);
        assertThat(fullHello(policy, a2)).as("the cap is full").isEqualTo(Decision.QUEUED);
        assertThat(fullHello(policy, a3)).isEqualTo(Decision.QUEUED);
        assertThat(fullHello(policy, b2)).isEqualTo(Decision.QUEUED);
        policy.finished(b1, null, Outcome.COMPLETED);
        assertThat(policy.release().peer).isEqualTo(a2);
        assertThat(fullHello(policy, a4)).as("a holds its share of 2: dropped, not queued")
                .isEqualTo(Decision.DEFERRED_SOURCE);
        policy.finished(c1, null, Outcome.COMPLETED);
        assertThat(policy.release().peer).as("a3 is older, but a holds its share").isEqualTo(b2);
        assertThat(policy.release()).isNull();
        policy.finished(a1, null, Outcome.COMPLETED);
        assertThat(policy.release().peer).isEqualTo(a3);
        assertThat(policy.queueLength()).isZero();
    }

    @Test
    void a_queued_hello_waits_for_a_free_in_flight_slot_as_well_as_a_token() {
        AdmissionPolicy policy = policy(queueing(Duration.ofSeconds(5)).rate(1000).burst(1000).maxInFlight(1)
                .perSourceInFlight(1));
        Object handshake = new Object();
        fullHello(policy, peer(1, 1));
        policy.started(peer(1, 1), handshake);
        assertThat(fullHello(policy, peer(2, 1))).isEqualTo(Decision.QUEUED);
        advance(Duration.ofMillis(100));
        assertThat(policy.release()).isNull();
        policy.finished(peer(1, 1), handshake, Outcome.COMPLETED);
        assertThat(policy.release().peer).isEqualTo(peer(2, 1));
        assertThat(policy.inFlight()).isEqualTo(1);
    }

    @Test
    void one_source_cannot_fill_more_of_the_queue_than_its_share() {
        AdmissionPolicy policy = policy(queueing(Duration.ofSeconds(1)).rate(40).burst(1).maxInFlight(8)
                .perSourceInFlight(2));
        fullHello(policy, peer(9, 1));
        // The queue holds 40; one source may hold a quarter of it (2 of 8 slots).
        for (int i = 0; i < 10; i++) {
            assertThat(fullHello(policy, peer(1, i))).isEqualTo(Decision.QUEUED);
        }
        assertThat(fullHello(policy, peer(1, 99))).isEqualTo(Decision.DEFERRED_SOURCE);
        assertThat(fullHello(policy, peer(2, 1))).isEqualTo(Decision.QUEUED);
    }

    @Test
    void admissions_from_the_queue_never_exceed_rate_times_time_plus_burst_either() {
        AdmissionPolicy policy = policy(queueing(Duration.ofSeconds(2)).rate(25).burst(7));
        Random random = new Random(7);
        List<Long> admittedAt = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            advance(Duration.ofNanos(random.nextInt(20_000_000))); // 100/s on average against 25/s
            InetSocketAddress peer = peer(1 + i % 200, 1000 + i);
            if (fullHello(policy, peer) == Decision.ADMITTED) {
                admittedAt.add(clock.get());
            }
            AdmissionPolicy.Waiting released;
            while ((released = policy.release()) != null) {
                admittedAt.add(clock.get());
                policy.finished(released.peer, null, Outcome.COMPLETED);
            }
            policy.finished(peer, null, Outcome.COMPLETED);
        }
        assertEveryWindowWithin(admittedAt, 25, 7);
        assertThat(admittedAt.size()).as("the queue keeps the rate busy").isGreaterThan(1150);
        assertThat(policy.counters.queueAdmitted.sum()).isGreaterThan(1000);
    }

    /** No window of {@code t} seconds holds more admissions than {@code rate * t + burst}. */
    private static void assertEveryWindowWithin(List<Long> admittedAt, double rate, int burst) {
        for (int from = 0; from < admittedAt.size(); from++) {
            for (int to = from; to < admittedAt.size(); to++) {
                double seconds = (admittedAt.get(to) - admittedAt.get(from)) / 1e9;
                assertThat(to - from + 1).as("admitted in [%d, %d]", from, to).isLessThanOrEqualTo(
                        (int) Math.floor(rate * seconds + burst + 1e-9));
            }
        }
    }
}
