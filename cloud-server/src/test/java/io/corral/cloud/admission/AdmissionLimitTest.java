package io.corral.cloud.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.admission.AdmissionPolicy.Decision;
import io.corral.cloud.admission.AdmissionPolicy.Outcome;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The admission limits, one per mode, and the policy obeying a limit that moves: with a fake clock. */
class AdmissionLimitTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private long fingerprints;

    private static AdmissionSettings.Builder settings(AdmissionMode mode) {
        return AdmissionSettings.builder().mode(mode).rate(100).burst(20).maxInFlight(500).perSourceInFlight(100)
                .queueDelayTarget(Duration.ofMillis(200)).queueWait(Duration.ZERO);
    }

    /** An interval in which handshakes waited far past the queue-delay target while the rate turned devices away. */
    private static AimdRate.Interval late() {
        return new AimdRate.Interval(300, 50, 50, Duration.ofSeconds(2).toNanos(), 0.5);
    }

    private static InetSocketAddress peer(int host, int port) {
        return new InetSocketAddress("127.0.0." + host, port);
    }

    private Decision fullHello(AdmissionPolicy policy, InetSocketAddress peer) {
        return policy.admit(HelloKind.FULL, peer, ++fingerprints);
    }

    @Test
    void off_gets_the_limit_that_admits_all_and_reports_no_rate() {
        AdmissionLimit limit = AdmissionLimit.of(settings(AdmissionMode.OFF).build());
        assertThat(limit).isInstanceOf(OffLimit.class);
        assertThat(limit.admitsAll()).isTrue();
        assertThat(limit.rate()).isZero();
        assertThat(limit.inFlightLimit()).isEqualTo(Integer.MAX_VALUE);
        AdmissionPolicy policy = new AdmissionPolicy(settings(AdmissionMode.OFF).build(), clock::get);
        assertThat(policy.rate()).isZero();
        assertThat(policy.inFlightLimit()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void static_gets_the_configured_numbers_and_keeps_them_whatever_it_measures() {
        AdmissionLimit limit = AdmissionLimit.of(settings(AdmissionMode.STATIC).build());
        assertThat(limit).isInstanceOf(StaticLimit.class);
        assertThat(limit.admitsAll()).isFalse();
        limit.onInterval(late());
        limit.onHandshakeEnded(new AdmissionLimit.Sample(Outcome.ABANDONED, Duration.ofSeconds(30).toNanos(), 500));
        assertThat(limit.rate()).isEqualTo(100);
        assertThat(limit.burst()).isEqualTo(20);
        assertThat(limit.inFlightLimit()).isEqualTo(500);
        AdmissionPolicy policy = new AdmissionPolicy(settings(AdmissionMode.STATIC).build(), clock::get);
        policy.learn(late());
        assertThat(policy.rate()).isEqualTo(100);
        assertThat(policy.inFlightLimit()).isEqualTo(500);
    }

    @Test
    void adaptive_starts_at_the_configured_rate_and_moves_burst_and_in_flight_limit_with_it() {
        AdmissionLimit limit = AdmissionLimit.of(settings(AdmissionMode.ADAPTIVE).build());
        assertThat(limit).isInstanceOf(AdaptiveLimit.class);
        assertThat(limit.rate()).isEqualTo(100);
        assertThat(limit.burst()).as("the configured burst until the rate first moves").isEqualTo(20);
        assertThat(limit.inFlightLimit()).as("what 100/s admits in 2 x 200 ms + 1 s").isEqualTo(140);
        limit.onInterval(late());
        assertThat(limit.rate()).isEqualTo(100 * AimdRate.DECREASE);
        assertThat(limit.burst()).as("a tenth of a second's worth").isEqualTo(7);
        assertThat(limit.inFlightLimit()).isEqualTo(98);
    }

    @Test
    void a_source_gets_exactly_its_configured_share_at_the_ceiling() {
        // 7 of 25 as a floating-point share times 25 comes out just above 7: that must not make it 8.
        AdmissionPolicy policy = new AdmissionPolicy(settings(AdmissionMode.STATIC).maxInFlight(25)
                .perSourceInFlight(7).burst(100).build(), clock::get);
        for (int i = 0; i < 7; i++) {
            assertThat(fullHello(policy, peer(1, i))).isEqualTo(Decision.ADMITTED);
        }
        assertThat(fullHello(policy, peer(1, 99))).isEqualTo(Decision.DEFERRED_SOURCE);
        assertThat(fullHello(policy, peer(2, 1))).isEqualTo(Decision.ADMITTED);
    }

    /**
     * A toy concurrency limit of the kind the interface is shaped for: it learns from each handshake's latency
     * and leaves the rate and burst at the configured ceiling.
     */
    private static final class LatencyLimit implements AdmissionLimit {
        final List<Sample> samples = new ArrayList<>();
        private final AdmissionSettings ceiling;
        int limit = 4;

        LatencyLimit(AdmissionSettings ceiling) {
            this.ceiling = ceiling;
        }

        @Override
        public double rate() {
            return ceiling.rate();
        }

        @Override
        public double burst() {
            return ceiling.burst();
        }

        @Override
        public int inFlightLimit() {
            return limit;
        }

        @Override
        public void onHandshakeEnded(Sample sample) {
            samples.add(sample);
            limit = sample.latencyNanos() > Duration.ofMillis(100).toNanos() ? Math.max(1, limit / 2) : limit * 4;
        }
    }

    @Test
    void a_limit_fed_by_handshake_latency_moves_the_in_flight_cap_under_the_configured_rate() {
        // Every hello from its own source: a source's share follows the limit, and this test is about the limit.
        AdmissionSettings settings = settings(AdmissionMode.STATIC).burst(5).build();
        LatencyLimit limit = new LatencyLimit(settings);
        AdmissionPolicy policy = new AdmissionPolicy(settings, limit, clock::get);
        for (int i = 0; i < 4; i++) {
            assertThat(fullHello(policy, peer(10 + i, 1))).isEqualTo(Decision.ADMITTED);
        }
        assertThat(fullHello(policy, peer(20, 1))).isEqualTo(Decision.DEFERRED_IN_FLIGHT);

        clock.addAndGet(Duration.ofMillis(500).toNanos());
        policy.finished(peer(10, 1), null, Outcome.COMPLETED);
        assertThat(limit.samples).containsExactly(
                new AdmissionLimit.Sample(Outcome.COMPLETED, Duration.ofMillis(500).toNanos(), 1));
        assertThat(policy.inFlightLimit()).as("slow: halved").isEqualTo(2);
        assertThat(fullHello(policy, peer(21, 1))).as("3 in flight against 2")
                .isEqualTo(Decision.DEFERRED_IN_FLIGHT);

        policy.finished(peer(11, 1), null, Outcome.FAILED);
        policy.finished(peer(12, 1), null, Outcome.ABANDONED);
        assertThat(limit.samples).extracting(AdmissionLimit.Sample::outcome)
                .containsExactly(Outcome.COMPLETED, Outcome.FAILED, Outcome.ABANDONED);
        assertThat(policy.inFlightLimit()).isEqualTo(1);
        assertThat(fullHello(policy, peer(22, 1))).isEqualTo(Decision.DEFERRED_IN_FLIGHT);

        policy.finished(peer(13, 1), null, Outcome.COMPLETED);
        assertThat(policy.inFlightLimit()).isEqualTo(1);
        assertThat(fullHello(policy, peer(30, 1))).isEqualTo(Decision.ADMITTED);
        clock.addAndGet(Duration.ofMillis(10).toNanos());
        policy.finished(peer(30, 1), null, Outcome.COMPLETED);
        assertThat(policy.inFlightLimit()).as("fast: raised").isEqualTo(4);
        limit.limit = 1000;
        policy.learn(late()); // any call that may teach the limit something makes the policy read it again
        assertThat(policy.inFlightLimit()).isEqualTo(1000);
        // The bucket stays the ceiling however high the limit: it holds its burst of 5 again, and no more.
        List<Decision> next = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            next.add(fullHello(policy, peer(100 + i, 1)));
        }
        assertThat(next).containsExactly(Decision.ADMITTED, Decision.ADMITTED, Decision.ADMITTED, Decision.ADMITTED,
                Decision.ADMITTED, Decision.DEFERRED_RATE);
    }

    @Test
    void resumptions_draw_on_their_own_budget_whatever_the_full_handshake_limit() {
        LatencyLimit limit = new LatencyLimit(settings(AdmissionMode.STATIC).build());
        limit.limit = 1;
        AdmissionPolicy policy = new AdmissionPolicy(settings(AdmissionMode.STATIC).resumptionBurst(3).build(),
                limit, clock::get);
        for (int i = 0; i < 3; i++) {
            assertThat(policy.admit(HelloKind.RESUMPTION, peer(3, i), ++fingerprints)).isEqualTo(Decision.ADMITTED);
        }
        assertThat(policy.admit(HelloKind.RESUMPTION, peer(3, 9), ++fingerprints)).isEqualTo(Decision.DEFERRED_RATE);
        policy.finished(peer(3, 0), null, Outcome.COMPLETED);
        assertThat(limit.samples).as("only full handshakes are samples of the in-flight limit").isEmpty();
    }
}
