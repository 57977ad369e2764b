package io.corral.cloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.coap.DeviceCallException;
import io.corral.cloud.coap.LiveSession;
import io.corral.cloud.testkit.ConnectionStates;
import io.corral.cloud.testkit.TestCloud;
import io.corral.device.ConnectionListener;
import io.corral.device.ConnectionState;
import io.corral.device.Device;
import io.corral.device.DeviceCredentials;
import io.corral.device.DeviceException;
import io.corral.device.Event;
import io.corral.protocol.Limits;
import io.corral.protocol.VariableType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The real device SDK against the real cloud: DTLS on loopback, registry in a SQLite file. */
class SdkEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @AutoClose
    private TestCloud cloud = TestCloud.builder().start();

    @Test
    void rpk_and_psk_devices_connect_and_the_cloud_lists_their_sessions() {
        Device rpk = cloud.device(cloud.rpkCredentials("alice"));
        Device psk = cloud.device(cloud.pskCredentials("alice"));
        rpk.connect();
        psk.connect();
        assertThat(rpk.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(psk.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(cloud.cloud().sessions().isOnline(rpk.id())).isTrue();
        assertThat(cloud.cloud().sessions().isOnline(psk.id())).isTrue();
        assertThat(cloud.cloud().registry().findById(rpk.id()).orElseThrow().lastSeen()).isNotNull();
    }

    @Test
    void an_unknown_key_is_refused_with_a_typed_authentication_error() {
        DeviceCredentials registered = cloud.rpkCredentials("alice");
        var strangerKeys = io.corral.cloud.registry.CloudKeys.generateP256();
        DeviceCredentials stranger = DeviceCredentials.rpk(registered.deviceId(),
                strangerKeys.getPrivate().getEncoded(), strangerKeys.getPublic().getEncoded(), "127.0.0.1",
                cloud.coapAddress().getPort(), cloud.cloud().publicKeySpki());
        assertRefused(cloud.device(stranger));
    }

    @Test
    void a_wrong_psk_is_refused_with_a_typed_authentication_error() {
        DeviceCredentials registered = cloud.pskCredentials("alice");
        DeviceCredentials wrong = DeviceCredentials.psk(registered.deviceId(), "not-the-key", "127.0.0.1",
                cloud.coapAddress().getPort(), null);
        assertRefused(cloud.device(wrong));
    }

    @Test
    void an_unknown_psk_identity_is_refused_with_a_typed_authentication_error() {
        DeviceCredentials unknown = DeviceCredentials.psk(io.corral.protocol.DeviceIds.random(), "anything",
                "127.0.0.1", cloud.coapAddress().getPort(), null);
        assertRefused(cloud.device(unknown));
    }

    private void assertRefused(Device device) {
        assertThatThrownBy(device::connect).isInstanceOfSatisfying(DeviceException.class,
                e -> assertThat(e.reason()).isEqualTo(DeviceException.Reason.AUTHENTICATION_REFUSED));
        assertThat(device.state()).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(cloud.cloud().sessions().size()).isZero();
    }

    @Test
    void every_message_of_the_profile_round_trips() throws Exception {
        Device device = cloud.device(cloud.pskCredentials("alice"), b -> b.firmwareVersion("2.1.0").product("lamp"));
        device.function("led", arg -> arg.equals("on") ? 1 : 0);
        device.variable("temp", () -> 21.5);
        device.variable("name", () -> "kitchen");
        BlockingQueue<Event> received = new LinkedBlockingQueue<>();
        device.subscribe("self/", received::add);
        device.connect();

        // hello and describe reached the cloud
        LiveSession session = cloud.cloud().sessions().find(device.id()).orElseThrow();
        assertThat(session.firmware()).isEqualTo("2.1.0");
        assertThat(session.product()).isEqualTo("lamp");
        assertThat(session.functions()).containsExactly("led");
        assertThat(session.variables()).isEqualTo(Map.of("temp", VariableType.DOUBLE, "name", VariableType.STRING));
        assertThat(session.subscriptions()).extracting(LiveSession.Subscribed::prefix).containsExactly("self/");

        // function call and variable read, cloud to device
        assertThat(cloud.cloud().callFunction(device.id(), "led", "on", WAIT).get()).isEqualTo(1);
        assertThat(cloud.cloud().readVariable(device.id(), "temp", WAIT).get()).isEqualTo("21.5");
        assertThat(cloud.cloud().readVariable(device.id(), "name", WAIT).get()).isEqualTo("\"kitchen\"");

        // publish CON and NON, delivered back to the subscribed publisher with its own id
        device.publish("self/ack", "1").get();
        device.publishNoAck("self/noack", "2");
        Event first = received.poll(20, TimeUnit.SECONDS);
        Event second = received.poll(20, TimeUnit.SECONDS);
        assertThat(List.of(first.name(), second.name())).containsExactlyInAnyOrder("self/ack", "self/noack");
        assertThat(first.sourceDeviceId()).isEqualTo(device.id());

        // unsubscribe stops delivery
        device.unsubscribe("self/").get();
        assertThat(cloud.cloud().sessions().find(device.id()).orElseThrow().subscriptions()).isEmpty();

        // time
        assertThat(device.cloudTime().get()).isCloseTo(Instant.now(), org.assertj.core.api.Assertions.within(5,
                ChronoUnit.SECONDS));

        // goodbye (NON, handled asynchronously by the cloud) ends the live session
        device.disconnect();
        io.corral.cloud.testkit.Await.until("the cloud drops the session after goodbye",
                () -> !cloud.cloud().sessions().isOnline(device.id()));
    }

    @Test
    void keepalive_pings_keep_an_idle_device_connected() throws Exception {
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        Device device = cloud.device(cloud.pskCredentials("alice"), b -> b.keepalive(Duration.ofSeconds(1))
                .pingTimeout(Duration.ofSeconds(2)));
        device.addConnectionListener(new ConnectionListener() {
            @Override
            public void onStateChanged(ConnectionState previous, ConnectionState current, Throwable cause) {
                states.add(current);
            }
        });
        device.connect();
        Thread.sleep(3500); // three keepalive intervals; a failed ping would show up as a state change
        assertThat(states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
        assertThat(cloud.cloud().callFunction(device.id(), "missing", "", WAIT))
                .failsWithin(WAIT).withThrowableThat().havingCause().isInstanceOf(DeviceCallException.class);
    }

    @Test
    void each_limit_answers_its_code_and_the_session_stays_usable() throws Exception {
        cloud.close();
        // A strict cloud; the device itself checks generous limits so that the requests reach the cloud.
        cloud = TestCloud.builder().limits(new Limits(16, 32, 1024, 64, 0.001, 2, 2)).start();
        Limits generous = new Limits(64, 1024, 1024, 64, 1000, 1000, 100);
        Device device = cloud.device(cloud.pskCredentials("alice"), b -> b.limits(generous));
        device.function("boom", arg -> {
            throw new IllegalStateException("broken on purpose");
        });
        device.connect();

        assertRejected(device.publish("n".repeat(17), "1"), "4.00");
        assertRejected(device.publish("big", "x".repeat(33)), "4.13");
        device.publish("ok", "1").get();
        device.publish("ok", "2").get();
        DeviceException overRate = assertRejected(device.publish("ok", "3"), "4.29");
        assertThat(overRate.retryAfter()).isPositive();

        device.subscribe("a", e -> { }).get();
        device.subscribe("b", e -> { }).get();
        assertRejected(device.subscribe("c", e -> { }), "4.29");

        assertCallFails(device.id(), "missing", DeviceCallException.Reason.NOT_FOUND);
        assertCallFails(device.id(), "boom", DeviceCallException.Reason.HANDLER_FAILED);
        assertThat(cloud.cloud().readVariable(device.id(), "nothing", WAIT)).failsWithin(WAIT)
                .withThrowableThat().havingCause().isInstanceOfSatisfying(DeviceCallException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeviceCallException.Reason.NOT_FOUND));

        // still the same session, still answering
        assertThat(device.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(device.cloudTime().get()).isNotNull();
    }

    private void assertCallFails(String deviceId, String function, DeviceCallException.Reason reason) {
        assertThat(cloud.cloud().callFunction(deviceId, function, "", WAIT)).failsWithin(WAIT)
                .withThrowableThat().havingCause().isInstanceOfSatisfying(DeviceCallException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
    }

    private static DeviceException assertRejected(java.util.concurrent.CompletableFuture<?> future, String code) {
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(future::join);
        assertThat(failure).isInstanceOf(CompletionException.class);
        assertThat(failure.getCause()).isInstanceOfSatisfying(DeviceException.class, e -> {
            assertThat(e.reason()).isEqualTo(DeviceException.Reason.REJECTED);
            assertThat(e.responseCode()).isEqualTo(code);
        });
        return (DeviceException) failure.getCause();
    }

    @Test
    void a_subscriber_of_the_same_owner_gets_the_event_with_the_publishers_id_and_other_owners_do_not()
            throws Exception {
        Device publisher = cloud.device(cloud.rpkCredentials("alice"));
        Device subscriber = cloud.device(cloud.rpkCredentials("alice"));
        Device outsider = cloud.device(cloud.rpkCredentials("bob"));
        BlockingQueue<Event> forSubscriber = new LinkedBlockingQueue<>();
        BlockingQueue<Event> forOutsider = new LinkedBlockingQueue<>();
        subscriber.subscribe("alerts/", forSubscriber::add);
        outsider.subscribe("", forOutsider::add);
        publisher.connect();
        subscriber.connect();
        outsider.connect();

        publisher.publish("alerts/fire", "kitchen").get();
        publisher.publish("other", "ignored").get();

        Event event = forSubscriber.poll(20, TimeUnit.SECONDS);
        assertThat(event).isNotNull();
        assertThat(event.name()).isEqualTo("alerts/fire");
        assertThat(event.dataAsString()).isEqualTo("kitchen");
        assertThat(event.sourceDeviceId()).isEqualTo(publisher.id());
        // An event of the outsider's own owner goes through its subscription, proving deliveries to it work...
        Device bobPublisher = cloud.device(cloud.rpkCredentials("bob"));
        bobPublisher.connect();
        bobPublisher.publish("bob-only", "1").get();
        Event bobs = forOutsider.poll(20, TimeUnit.SECONDS);
        // A subscription to every event also hears the spark/status of bob's own devices coming online.
        while (bobs != null && bobs.name().startsWith("spark/")) {
            assertThat(bobs.sourceDeviceId()).isIn(outsider.id(), bobPublisher.id());
            bobs = forOutsider.poll(20, TimeUnit.SECONDS);
        }
        assertThat(bobs).isNotNull();
        assertThat(bobs.name()).isEqualTo("bob-only");
        // ...and none of alice's events reached it, not even her devices' spark/status.
        assertThat(forOutsider).allSatisfy(other -> assertThat(other.sourceDeviceId())
                .isIn(outsider.id(), bobPublisher.id()));
        assertThat(forSubscriber).isEmpty(); // "other" does not match "alerts/"
    }

    @Test
    void a_reconnect_to_a_cloud_that_still_holds_the_session_is_abbreviated() {
        Device device = cloud.device(cloud.rpkCredentials("alice"));
        device.connect();
        device.disconnect();
        device.connect();
        assertThat(cloud.cloud().handshakeStats().fullCompleted()).isEqualTo(1);
        assertThat(cloud.cloud().handshakeStats().resumedCompleted()).isEqualTo(1);
        assertThat(cloud.cloud().sessions().isOnline(device.id())).isTrue();
    }

    @Test
    void after_a_cloud_restart_on_the_same_data_and_port_the_device_reconnects_by_itself() throws Exception {
        DeviceCredentials credentials = cloud.rpkCredentials("alice");
        Device device = cloud.device(credentials, TestCloud.QUICK_RECONNECT);
        device.function("led", arg -> 7);
        ConnectionStates states = ConnectionStates.of(device);
        device.connect();
        states.clear();

        cloud.stop();
        assertThat(states.next(Duration.ofSeconds(20))).isEqualTo(ConnectionState.WAITING_TO_RECONNECT);
        cloud.startAgain();

        ConnectionState state = states.await(ConnectionState.CONNECTED, Duration.ofSeconds(30));
        assertThat(state).isEqualTo(ConnectionState.CONNECTED);
        assertThat(cloud.cloud().callFunction(device.id(), "led", "", WAIT).get()).isEqualTo(7);
    }
}
