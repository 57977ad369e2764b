package io.corral.cloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.admission.AdmissionMode;
import io.corral.cloud.admission.AdmissionSettings;
import io.corral.cloud.admission.AdmissionStats;
import io.corral.cloud.testkit.TestCloud;
import io.corral.device.ConnectionState;
import io.corral.device.Device;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admission queue through real Scandium and real SDK devices: hellos the rate cannot admit wait in the
 * cloud, are handed to Scandium in turn, and their handshakes complete, each device with one admitted handshake.
 */
class AdmissionQueueEndToEndTest {
    private static final int DEVICES = 8;

    @TempDir
    Path dataDir;

    @Test
    void devices_the_rate_holds_back_wait_in_the_queue_and_all_connect_with_one_handshake_each() throws Exception {
        AdmissionSettings slow = AdmissionSettings.builder().mode(AdmissionMode.STATIC).rate(4).burst(1)
                .maxInFlight(2).perSourceInFlight(2).queueWait(Duration.ofSeconds(20)).build();
        try (TestCloud sdk = TestCloud.builder().dataDir(dataDir).configure(b -> b.admission(slow)).start()) {
            List<Device> devices = new ArrayList<>();
            for (int i = 0; i < DEVICES; i++) {
                devices.add(sdk.device(sdk.pskCredentials("alice")));
            }
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> herd = new ArrayList<>();
            for (Device device : devices) {
                herd.add(Thread.ofVirtual().start(() -> {
                    try {
                        device.connect();
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : herd) {
                t.join();
            }
            assertThat(failures).as("every device connected at its first attempt").isEmpty();
            assertThat(devices).allSatisfy(d -> assertThat(d.state()).isEqualTo(ConnectionState.CONNECTED));

            AdmissionStats stats = sdk.cloud().admissionStats();
            assertThat(stats.queueAdmitted()).as("hellos admitted from the queue").isGreaterThanOrEqualTo(1);
            assertThat(stats.admittedFull()).as("one admitted handshake per device: none wasted")
                    .isEqualTo(DEVICES);
            assertThat(stats.completedFull()).isEqualTo(DEVICES);
            // Released hellos start their handshake at once. Were they only counted as admitted and not handed
            // to Scandium, every released device would have to retransmit its hello to get in.
            assertThat(stats.retransmissions()).as("hellos retransmitted after their release")
                    .isLessThanOrEqualTo(stats.queueAdmitted() / 2);
            assertThat(stats.abandoned()).isZero();
            assertThat(stats.queueExpired()).isZero();
            assertThat(stats.queueLength()).isZero();
            assertThat(stats.inFlightPeak()).as("the in-flight cap held").isLessThanOrEqualTo(2);
        }
    }
}
