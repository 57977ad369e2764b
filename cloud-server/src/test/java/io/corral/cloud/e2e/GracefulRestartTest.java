package io.corral.cloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.Cloud;
import io.corral.cloud.testkit.ConnectionStates;
import io.corral.cloud.testkit.TestCloud;
import io.corral.device.ConnectionState;
import io.corral.device.Device;
import io.corral.device.DeviceCredentials;
import io.corral.device.Event;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** A planned restart: the cloud saves its DTLS connections on close and loads them at start. */
class GracefulRestartTest {
    @AutoClose
    private TestCloud cloud = TestCloud.builder().start();

    @Test
    void a_restart_too_short_for_the_device_to_notice_keeps_it_online_with_its_subscriptions() throws Exception {
        DeviceCredentials credentials = cloud.rpkCredentials("alice");
        Device device = cloud.device(credentials, b -> b.keepalive(Duration.ofSeconds(30)));
        device.function("led", arg -> 7);
        BlockingQueue<Event> received = new LinkedBlockingQueue<>();
        device.subscribe("news/", received::add);
        device.connect();

        cloud.stop();
        cloud.startAgain();

        // The device never noticed (its next ping is 30 s away) and never said hello to this cloud.
        assertThat(device.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(cloud.cloud().handshakeStats().fullCompleted() + cloud.cloud().handshakeStats().resumedCompleted())
                .isZero();
        assertThat(cloud.cloud().sessions().isOnline(device.id())).isTrue();
        assertThat(cloud.cloud().callFunction(device.id(), "led", "", Duration.ofSeconds(10)).get()).isEqualTo(7);
        cloud.cloud().publishFromApi("alice", "news/today", "restarted", 60);
        assertThat(received.poll(10, TimeUnit.SECONDS)).isNotNull().extracting(Event::name).isEqualTo("news/today");
    }

    @Test
    void after_a_planned_restart_devices_resume_their_sessions_and_no_full_handshake_is_needed() throws Exception {
        Device device = cloud.device(cloud.rpkCredentials("alice"), TestCloud.QUICK_RECONNECT);
        device.function("led", arg -> 7);
        ConnectionStates states = ConnectionStates.of(device);
        device.connect();
        states.clear();

        cloud.stop();
        assertThat(cloud.dataDir().resolve(Cloud.CONNECTIONS_FILE)).exists();
        assertThat(states.next(Duration.ofSeconds(20))).isEqualTo(ConnectionState.WAITING_TO_RECONNECT);
        Thread.sleep(1500); // the device tries, and fails, while the cloud is down
        cloud.startAgain();
        assertThat(cloud.dataDir().resolve(Cloud.CONNECTIONS_FILE)).as("loaded once, then gone").doesNotExist();

        ConnectionState state = states.await(ConnectionState.CONNECTED, Duration.ofSeconds(30));
        assertThat(state).isEqualTo(ConnectionState.CONNECTED);
        assertThat(cloud.cloud().handshakeStats().fullCompleted()).isZero();
        assertThat(cloud.cloud().handshakeStats().resumedCompleted()).isEqualTo(1);
        assertThat(cloud.cloud().callFunction(device.id(), "led", "", Duration.ofSeconds(10)).get()).isEqualTo(7);
    }
}
