package io.corral.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.protocol.DeviceIds;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session resumption across outages and restarts, and what a device does when the cloud says it is overloaded. */
class DeviceSessionTest {
    private ScandiumTestCloud cloud;
    private DeviceCredentials credentials;
    private final List<Device> devices = new CopyOnWriteArrayList<>();
    private final List<Boolean> resumed = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @BeforeEach
    void startCloud() throws Exception {
        cloud = new ScandiumTestCloud(DeviceIds.random(), "unused-psk");
        var keys = ScandiumTestCloud.p256();
        InetSocketAddress address = cloud.address();
        credentials = DeviceCredentials.rpk(DeviceIds.random(), keys.getPrivate().getEncoded(),
                keys.getPublic().getEncoded(), address.getHostString(), address.getPort(), cloud.publicKeySpki());
    }

    @AfterEach
    void stop() {
        devices.forEach(Device::close);
        cloud.close();
    }

    private Device device(Device.Builder builder) {
        Device device = builder.credentials(credentials).handshakeTimeout(Duration.ofSeconds(2))
                .threadFactory(Thread.ofVirtual().factory()).build();
        device.addConnectionListener(new ConnectionListener() {
            @Override
            public void onHandshake(boolean wasResumed, Duration duration) {
                resumed.add(wasResumed);
            }
        });
        devices.add(device);
        return device;
    }

    @Test
    void a_restarted_device_resumes_the_session_kept_in_its_session_file() throws Exception {
        Path sessionFile = dir.resolve("device.session.json");
        Device first = device(Device.builder().sessionFile(sessionFile));
        first.connect();
        first.close();
        assertThat(sessionFile).exists();
        assertThat(Files.getPosixFilePermissions(sessionFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        Device restarted = device(Device.builder().sessionFile(sessionFile));
        restarted.connect();
        restarted.publish("after-restart", "1").join();

        assertThat(resumed).containsExactly(false, true);
        assertThat(cloud.resumedHandshakes.get()).isEqualTo(1);
    }

    @Test
    void an_unreadable_session_file_only_costs_a_full_handshake() throws Exception {
        Path sessionFile = dir.resolve("device.session.json");
        Files.writeString(sessionFile, "{not json");
        Device device = device(Device.builder().sessionFile(sessionFile));
        device.connect();
        assertThat(resumed).containsExactly(false);
    }

    @Test
    void a_handshake_that_timed_out_in_an_outage_keeps_the_session_for_resumption() {
        AtomicBoolean linkDown = new AtomicBoolean();
        Device device = device(Device.builder().simulatedLinkDown(linkDown::get));
        device.connect();
        device.disconnect();
        linkDown.set(true);
        assertThatThrownBy(device::connect).isInstanceOfSatisfying(DeviceException.class,
                e -> assertThat(e.reason()).isEqualTo(DeviceException.Reason.HANDSHAKE_TIMEOUT));
        linkDown.set(false);
        device.connect();
        assertThat(resumed).containsExactly(false, true);
    }

    @Test
    void a_handshake_refused_by_a_closed_port_keeps_the_session_for_the_restarted_cloud() throws Exception {
        Device device = device(Device.builder());
        device.connect();
        device.disconnect();
        int port = cloud.address().getPort();
        cloud.close();
        assertThatThrownBy(device::connect).isInstanceOfSatisfying(DeviceException.class,
                e -> assertThat(e.reason()).isEqualTo(DeviceException.Reason.IO));
        cloud = new ScandiumTestCloud(DeviceIds.random(), "unused-psk", cloud.keyPair, port);
        device.connect();
        // This cloud does not hold the session, so the handshake is a full one; but the device offered it.
        assertThat(cloud.resumedHandshakes.get()).isEqualTo(1);
    }

    @Test
    void without_resumption_every_handshake_is_a_full_one() {
        Device device = device(Device.builder().resumeSessions(false));
        device.connect();
        device.disconnect();
        device.connect();
        assertThat(resumed).containsExactly(false, false);
        assertThat(cloud.fullHandshakes.get()).isEqualTo(2);
    }

    @Test
    void a_503_with_max_age_on_hello_is_reported_with_its_retry_after() {
        cloud.overloadedHellos.set(1);
        Device device = device(Device.builder());
        assertThatThrownBy(device::connect).isInstanceOfSatisfying(DeviceException.class, e -> {
            assertThat(e.reason()).isEqualTo(DeviceException.Reason.REJECTED);
            assertThat(e.responseCode()).isEqualTo("5.03");
            assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(ScandiumTestCloud.OVERLOADED_MAX_AGE_SECONDS));
        });
    }

    @Test
    void a_starting_device_told_503_waits_at_least_max_age_before_its_next_hello() throws Exception {
        cloud.overloadedHellos.set(1);
        List<Duration> retryIns = new CopyOnWriteArrayList<>();
        Device device = device(Device.builder().reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(20)));
        device.addConnectionListener(new ConnectionListener() {
            @Override
            public void onConnectFailed(DeviceException failure, Duration retryIn) {
                retryIns.add(retryIn);
            }
        });
        device.start();
        for (int i = 0; i < 100 && device.state() != ConnectionState.CONNECTED; i++) {
            Thread.sleep(100);
        }
        assertThat(device.state()).isEqualTo(ConnectionState.CONNECTED);
        // The backoff alone would be at most 20 ms; Max-Age says one second, and that is what the device waited.
        assertThat(retryIns).singleElement().satisfies(retryIn ->
                assertThat(retryIn).isGreaterThanOrEqualTo(
                        Duration.ofSeconds(ScandiumTestCloud.OVERLOADED_MAX_AGE_SECONDS)));
        assertThat(cloud.hellos.get()).isEqualTo(2);
    }
}
