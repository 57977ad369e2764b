package io.corral.cloud.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The CLIENT_HELLO classifier, the AIMD rule, the adaptive control loop, and the settings' validation. */
class AdmissionControlTest {
    private static final byte[] KNOWN_SESSION = {1, 2, 3, 4, 5, 6, 7, 8};
    private final HelloClassifier classifier = new HelloClassifier(id -> Arrays.equals(id, KNOWN_SESSION));

    /** A DTLS 1.2 CLIENT_HELLO record as a client puts it on the wire, up to the cookie. */
    private static byte[] clientHello(byte[] sessionId, byte[] cookie, int fragmentOffset) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(254);
        body.write(253);
        for (int i = 0; i < 32; i++) {
            body.write(i);
        }
        body.write(sessionId.length);
        body.writeBytes(sessionId);
        body.write(cookie.length);
        body.writeBytes(cookie);
        body.writeBytes(new byte[] {0, 2, (byte) 0xc0, (byte) 0xae, 1, 0}); // one suite, null compression
        byte[] fragment = body.toByteArray();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.writeBytes(new byte[] {22, (byte) 254, (byte) 253, 0, 0, 0, 0, 0, 0, 0, 1});
        int length = 12 + fragment.length;
        record.writeBytes(new byte[] {(byte) (length >> 8), (byte) length});
        record.writeBytes(new byte[] {1, 0, 0, (byte) fragment.length, 0, 1});
        record.writeBytes(new byte[] {0, (byte) (fragmentOffset >> 8), (byte) fragmentOffset});
        record.writeBytes(new byte[] {0, 0, (byte) fragment.length});
        record.writeBytes(fragment);
        return record.toByteArray();
    }

    private HelloKind kind(byte[] datagram) {
        return classifier.classify(datagram, 0, datagram.length).kind();
    }

    @Test
    void client_hellos_are_sorted_by_cookie_and_session_id() {
        byte[] cookie = new byte[32];
        assertThat(kind(clientHello(new byte[0], new byte[0], 0))).isEqualTo(HelloKind.CHEAP);
        assertThat(kind(clientHello(KNOWN_SESSION, new byte[0], 0))).isEqualTo(HelloKind.CHEAP);
        assertThat(kind(clientHello(new byte[0], cookie, 0))).isEqualTo(HelloKind.FULL);
        assertThat(kind(clientHello(KNOWN_SESSION, cookie, 0))).isEqualTo(HelloKind.RESUMPTION);
        assertThat(kind(clientHello(new byte[] {9, 9, 9}, cookie, 0))).as("a session the cloud no longer holds")
                .isEqualTo(HelloKind.FULL);
    }

    @Test
    void anything_but_the_first_fragment_of_a_client_hello_is_left_to_scandium() {
        byte[] hello = clientHello(new byte[0], new byte[32], 0);
        assertThat(kind(clientHello(new byte[0], new byte[32], 100))).isEqualTo(HelloKind.OTHER);
        assertThat(kind(Arrays.copyOf(hello, 40))).isEqualTo(HelloKind.OTHER);
        byte[] applicationData = hello.clone();
        applicationData[0] = 23;
        assertThat(kind(applicationData)).isEqualTo(HelloKind.OTHER);
        byte[] laterEpoch = hello.clone();
        laterEpoch[4] = 1;
        assertThat(kind(laterEpoch)).isEqualTo(HelloKind.OTHER);
        assertThat(kind(new byte[0])).isEqualTo(HelloKind.OTHER);
    }

    @Test
    void retransmissions_carry_the_same_fingerprint_and_new_hellos_another() {
        byte[] hello = clientHello(new byte[0], new byte[32], 0);
        byte[] other = hello.clone();
        other[13 + 12 + 2 + 10] ^= 1; // a byte of the random
        long fingerprint = classifier.classify(hello, 0, hello.length).randomFingerprint();
        assertThat(classifier.classify(hello.clone(), 0, hello.length).randomFingerprint()).isEqualTo(fingerprint);
        assertThat(classifier.classify(other, 0, other.length).randomFingerprint()).isNotEqualTo(fingerprint);
    }

    private static AdmissionSettings adaptive() {
        return AdmissionSettings.builder().mode(AdmissionMode.ADAPTIVE).rate(100).rateRange(10, 10_000)
                .queueDelayTarget(Duration.ofMillis(200)).cpuCeiling(0.9).build();
    }

    @Test
    void aimd_slow_starts_while_devices_wait_then_backs_off_when_the_queue_delay_misses_the_target() {
        AimdRate aimd = new AimdRate(adaptive());
        long fast = Duration.ofMillis(20).toNanos();
        long slow = Duration.ofMillis(900).toNanos();
        // 40 and 50 completed per 250 ms interval: 160/s, then 180/s smoothed, so 1.25 x that bounds no step.
        assertThat(aimd.next(new AimdRate.Interval(300, 40, 40, fast, 0.5))).isEqualTo(150);
        assertThat(aimd.next(new AimdRate.Interval(300, 50, 50, fast, 0.5))).isEqualTo(225);
        assertThat(aimd.next(new AimdRate.Interval(300, 56, 50, slow, 0.9))).isEqualTo(225 * AimdRate.DECREASE);
        double afterDecrease = aimd.rate();
        // The handshakes admitted at the old rate are still late for a while: no second cut for them.
        assertThat(aimd.next(new AimdRate.Interval(300, 40, 40, slow, 0.9))).isEqualTo(afterDecrease);
        for (int i = 0; i < AimdRate.COOLDOWN_INTERVALS; i++) {
            aimd.next(new AimdRate.Interval(300, 40, 40, fast, 0.5));
        }
        // Past the threshold it grows additively.
        assertThat(aimd.rate()).isEqualTo(afterDecrease + afterDecrease * AimdRate.ADDITIVE_SHARE);
    }

    @Test
    void aimd_backs_off_when_handshakes_take_longer_than_the_latency_target_though_none_waits_to_start() {
        // A saturated CPU time-slices the handshakes: each starts at once, but takes longer to finish.
        AimdRate aimd = new AimdRate(AdmissionSettings.builder().mode(AdmissionMode.ADAPTIVE).rate(400)
                .rateRange(10, 10_000).queueDelayTarget(Duration.ofMillis(200)).latencyTarget(Duration.ofSeconds(1))
                .build());
        long fast = Duration.ofMillis(5).toNanos();
        long withinTarget = Duration.ofMillis(800).toNanos();
        long late = Duration.ofMillis(2500).toNanos();
        assertThat(aimd.next(new AimdRate.Interval(300, 120, 120, fast, 0.5, withinTarget, 0))).isEqualTo(600);
        assertThat(aimd.next(new AimdRate.Interval(300, 150, 120, fast, 0.99, late, 0)))
                .isEqualTo(600 * AimdRate.DECREASE);
        // Nothing completed in the interval: no latency sample, no verdict on it.
        assertThat(aimd.next(new AimdRate.Interval(0, 0, 0, 0, 0.2, late, 0))).isEqualTo(600 * AimdRate.DECREASE);
    }

    @Test
    void aimd_waits_for_the_backlog_admitted_at_the_old_rate_to_drain_before_it_cuts_again() {
        AimdRate aimd = new AimdRate(AdmissionSettings.builder().mode(AdmissionMode.ADAPTIVE).rate(2000)
                .rateRange(10, 10_000).latencyTarget(Duration.ofSeconds(1)).build());
        long fast = Duration.ofMillis(5).toNanos();
        long late = Duration.ofMillis(2500).toNanos();
        // The cloud completes 400/s (100 per 250 ms) whatever it admits, and 1,000 handshakes are in flight.
        assertThat(aimd.next(new AimdRate.Interval(500, 100, 100, fast, 1.0, late, 1000)))
                .isEqualTo(2000 * AimdRate.DECREASE);
        // 1,000 in flight at 400/s take 2.5 s, ten intervals: until then late samples are the old rate's.
        for (int i = 1; i <= 10; i++) {
            assertThat(aimd.next(new AimdRate.Interval(500, 100, 100, fast, 1.0, late, 1000 - 90 * i)))
                    .as("interval %d after the cut", i).isEqualTo(2000 * AimdRate.DECREASE);
        }
        assertThat(aimd.next(new AimdRate.Interval(500, 100, 100, fast, 1.0, late, 100)))
                .isEqualTo(2000 * AimdRate.DECREASE * AimdRate.DECREASE);
    }

    @Test
    void aimd_never_raises_the_rate_far_above_what_the_cloud_completes() {
        AimdRate aimd = new AimdRate(adaptive());
        long fast = Duration.ofMillis(20).toNanos();
        // Devices wait and handshakes are quick, but only 25 complete per interval (100/s).
        for (int i = 0; i < 20; i++) {
            aimd.next(new AimdRate.Interval(300, 25, 25, fast, 0.5));
        }
        assertThat(aimd.rate()).isEqualTo(100 * AimdRate.HEADROOM);
        assertThat(aimd.throughput()).isEqualTo(100);
    }

    @Test
    void a_latency_target_out_of_range_is_refused_naming_it() {
        assertThatThrownBy(() -> AdmissionSettings.builder().latencyTarget(Duration.ofMillis(10)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("latencyTarget must be in [50 ms, 30 s], was 10 ms");
    }

    @Test
    void aimd_holds_when_nobody_waits_or_the_cpu_is_at_its_ceiling() {
        AimdRate aimd = new AimdRate(adaptive());
        long fast = Duration.ofMillis(20).toNanos();
        assertThat(aimd.next(new AimdRate.Interval(0, 10, 10, fast, 0.1))).isEqualTo(100);
        assertThat(aimd.next(new AimdRate.Interval(500, 25, 25, fast, 0.95))).isEqualTo(100);
        assertThat(aimd.next(new AimdRate.Interval(0, 0, 0, 0, 0))).isEqualTo(100);
    }

    @Test
    void aimd_never_leaves_its_range() {
        AimdRate aimd = new AimdRate(AdmissionSettings.builder().rate(20).rateRange(10, 40).build());
        long slow = Duration.ofSeconds(5).toNanos();
        for (int i = 0; i < 50; i++) {
            aimd.next(new AimdRate.Interval(0, 15, 15, slow, 0.2));
        }
        assertThat(aimd.rate()).isEqualTo(10);
        for (int i = 0; i < 200; i++) {
            aimd.next(new AimdRate.Interval(100, 15, 15, 1000, 0.2)); // 60/s completed: room up to 75/s
        }
        assertThat(aimd.rate()).isEqualTo(40);
    }

    @Test
    void the_control_loop_lowers_the_rate_and_the_in_flight_limit_when_admitted_handshakes_queue() {
        AtomicLong clock = new AtomicLong(0);
        AtomicLong cpuNanos = new AtomicLong(0);
        ProcessCpu cpu = new ProcessCpu() {
            @Override
            public long cpuTimeNanos() {
                return cpuNanos.get();
            }

            @Override
            public int processors() {
                return 1;
            }
        };
        AdmissionController controller = AdmissionController.create(adaptive(), id -> false, clock::get, cpu);
        AdmissionPolicy policy = controller.policy();
        int limitBefore = policy.inFlightLimit();
        for (int i = 0; i < 20; i++) {
            policy.admit(HelloKind.FULL, new InetSocketAddress("127.0.0.1", 1000 + i), i);
        }
        clock.addAndGet(Duration.ofMillis(800).toNanos());
        cpuNanos.addAndGet(Duration.ofMillis(780).toNanos());
        for (int i = 0; i < 10; i++) {
            InetSocketAddress peer = new InetSocketAddress("127.0.0.1", 1000 + i);
            Object handshake = new Object();
            policy.started(peer, handshake); // 800 ms after admission: they waited in the queue
            policy.finished(peer, handshake, AdmissionPolicy.Outcome.COMPLETED);
        }
        controller.tick();
        assertThat(controller.stats().rate()).isEqualTo(100 * AimdRate.DECREASE);
        assertThat(policy.inFlightLimit()).isLessThan(limitBefore);
        assertThat(controller.cpuShare()).isCloseTo(780.0 / 800, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(controller.queueP90Nanos()).isGreaterThan(Duration.ofMillis(700).toNanos());
    }

    @Test
    void settings_name_the_bad_value_and_its_range() {
        assertThatThrownBy(() -> AdmissionSettings.builder().rate(0).build())
                .hasMessage("rate must be in [1, 100000], was 0");
        assertThatThrownBy(() -> AdmissionSettings.builder().maxInFlight(8).perSourceInFlight(9).build())
                .hasMessage("perSourceInFlight must be in [1, 8], was 9");
        assertThatThrownBy(() -> AdmissionSettings.builder().queueDelayTarget(Duration.ofSeconds(11)).build())
                .hasMessage("queueDelayTarget must be in [10 ms, 10 s], was 11 s");
        assertThatThrownBy(() -> AdmissionSettings.builder().rate(5).rateRange(10, 100).build())
                .hasMessage("rate must be in [10, 100], was 5");
        assertThat(AdmissionSettings.builder().maxInFlight(100).build().perSourceInFlight()).isEqualTo(25);
        assertThatThrownBy(() -> AdmissionSettings.builder().queueWait(Duration.ofSeconds(31)).build())
                .hasMessage("queueWait must be in [0 ms, 30 s], was 31 s");
        assertThat(AdmissionSettings.builder().queueWait(Duration.ZERO).build().queues()).isFalse();
        assertThat(AdmissionSettings.off().queues()).isFalse();
        assertThat(AdmissionSettings.defaults().queues()).isTrue();
    }

    @Test
    void the_controller_hands_a_queued_hello_to_scandium_once_admitted_and_its_filter_lets_it_through()
            throws InterruptedException {
        AdmissionController controller = AdmissionController.create(AdmissionSettings.builder()
                .mode(AdmissionMode.STATIC).rate(20).burst(1).queueWait(Duration.ofSeconds(10)).build(), id -> false);
        java.util.concurrent.BlockingQueue<java.net.DatagramPacket> released =
                new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.BlockingQueue<Boolean> passedAgain = new java.util.concurrent.LinkedBlockingQueue<>();
        controller.releaseTo(packet -> {
            released.add(packet);
            passedAgain.add(controller.onDatagram(packet.getData(), packet.getOffset(), packet.getLength(),
                    (InetSocketAddress) packet.getSocketAddress()));
        });
        byte[] hello = clientHello(new byte[0], new byte[32], 0);
        InetSocketAddress first = new InetSocketAddress("127.0.0.1", 5001);
        InetSocketAddress second = new InetSocketAddress("127.0.0.2", 5002);
        InetSocketAddress third = new InetSocketAddress("127.0.0.3", 5003);
        assertThat(controller.onDatagram(hello, 0, hello.length, first)).isTrue();
        assertThat(controller.onDatagram(hello, 0, hello.length, second)).as("queued").isFalse();
        assertThat(controller.onDatagram(hello, 0, hello.length, third)).as("queued").isFalse();
        // The third device gives up before its turn: its epoch-0 alert takes its hello out of the queue.
        byte[] alert = {21, (byte) 254, (byte) 253, 0, 0, 0, 0, 0, 0, 0, 9, 0, 2, 2, 80};
        assertThat(controller.onDatagram(alert, 0, alert.length, third)).as("alerts go on to Scandium").isTrue();
        assertThat(controller.stats().queueLength()).isEqualTo(1);
        controller.start();
        try {
            java.net.DatagramPacket packet = released.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(packet).as("the second hello, released").isNotNull();
            assertThat(packet.getSocketAddress()).isEqualTo(second);
            assertThat(Arrays.copyOfRange(packet.getData(), packet.getOffset(), packet.getLength()))
                    .isEqualTo(hello);
            assertThat(passedAgain.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            AdmissionStats stats = controller.stats();
            assertThat(stats.admittedFull()).isEqualTo(2);
            assertThat(stats.queued()).isEqualTo(2);
            assertThat(stats.queueAdmitted()).isEqualTo(1);
            assertThat(stats.queueWithdrawn()).isEqualTo(1);
            assertThat(stats.queueLength()).isZero();
            assertThat(released.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS)).as("the third never goes")
                    .isNull();
        } finally {
            controller.close();
        }
    }

    @Test
    void a_queueing_controller_will_not_start_without_somewhere_to_release_to() {
        AdmissionController controller = AdmissionController.create(AdmissionSettings.defaults(), id -> false);
        assertThatThrownBy(controller::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("releaseTo");
    }
}
