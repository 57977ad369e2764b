package io.corral.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.protocol.DeviceIds;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SDK against a real Scandium DTLS server on loopback. */
class DeviceDtlsTest {
    private static final String PSK_DEVICE = DeviceIds.random();
    private static final String PSK = "c2VjcmV0LXBzay1mb3ItdGVzdHM";
    private ScandiumTestCloud cloud;
    private final List<Device> devices = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startCloud() throws Exception {
        cloud = new ScandiumTestCloud(PSK_DEVICE, PSK);
    }

    @AfterEach
    void stop() {
        devices.forEach(Device::close);
        cloud.close();
    }

    private Device device(DeviceCredentials credentials) {
        Device device = Device.builder().credentials(credentials).handshakeTimeout(Duration.ofSeconds(5))
                .threadFactory(Thread.ofVirtual().factory()).build();
        devices.add(device);
        return device;
    }

    private DeviceCredentials rpk(byte[] pinnedCloudKey) {
        var keys = ScandiumTestCloud.p256();
        InetSocketAddress address = cloud.address();
        return DeviceCredentials.rpk(DeviceIds.random(), keys.getPrivate().getEncoded(),
                keys.getPublic().getEncoded(), address.getHostString(), address.getPort(), pinnedCloudKey);
    }

    private DeviceCredentials psk(String identity, String key) {
        return DeviceCredentials.psk(identity, key, cloud.address().getHostString(), cloud.address().getPort(), null);
    }

    @Test
    void rpk_device_connects_publishes_and_reads_the_cloud_time() {
        Device device = device(rpk(cloud.publicKeySpki()));
        device.connect();
        assertThat(device.state()).isEqualTo(ConnectionState.CONNECTED);
        device.publish("temp/room1", "21.5").join();
        assertThat(cloud.published).containsExactly("E/temp/room1=21.5");
        assertThat(device.cloudTime().join()).isCloseTo(Instant.now(), org.assertj.core.api.Assertions.within(
                5, java.time.temporal.ChronoUnit.SECONDS));
    }

    @Test
    void psk_device_connects_and_subscribes_with_the_trailing_slash_kept() {
        Device device = device(psk(PSK_DEVICE, PSK));
        device.subscribe("alerts/", event -> { });
        device.connect();
        assertThat(cloud.subscribed).containsExactly("e/alerts/");
    }

    @Test
    void device_refuses_a_cloud_whose_key_is_not_the_pinned_one() {
        Device device = device(rpk(ScandiumTestCloud.p256().getPublic().getEncoded()));
        assertThatThrownBy(device::connect).isInstanceOfSatisfying(DeviceException.class,
                e -> assertThat(e.reason()).isEqualTo(DeviceException.Reason.AUTHENTICATION_REFUSED))
                .hasMessageContaining("pinned");
    }

    @Test
    void handshake_gives_up_after_the_handshake_timeout() throws Exception {
        InetSocketAddress silent;
        try (var socket = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            silent = (InetSocketAddress) socket.getLocalSocketAddress();
            Device device = Device.builder().credentials(psk(PSK_DEVICE, PSK)).cloudAddress(silent)
                    .handshakeTimeout(Duration.ofSeconds(1)).build();
            devices.add(device);
            assertThatThrownBy(device::connect).isInstanceOfSatisfying(DeviceException.class,
                    e -> assertThat(e.reason()).isEqualTo(DeviceException.Reason.HANDSHAKE_TIMEOUT));
        }
    }

    @Test
    void reconnect_resumes_the_session_with_an_abbreviated_handshake() {
        Device device = device(rpk(cloud.publicKeySpki()));
        List<Boolean> resumed = new CopyOnWriteArrayList<>();
        device.addConnectionListener(new ConnectionListener() {
            @Override
            public void onHandshake(boolean wasResumed, Duration duration) {
                resumed.add(wasResumed);
            }
        });
        device.connect();
        device.disconnect();
        device.connect();
        device.publish("after-resume", "1").join();
        assertThat(resumed).containsExactly(false, true);
        assertThat(cloud.fullHandshakes.get()).isEqualTo(1);
        assertThat(cloud.resumedHandshakes.get()).isEqualTo(1);
    }

    @Test
    void cloud_calls_functions_and_reads_variables_over_the_device_session() throws Exception {
        Device device = device(psk(PSK_DEVICE, PSK));
        device.function("led", arg -> arg.equals("on") ? 1 : 0);
        device.function("boom", arg -> {
            throw new IllegalStateException("broken");
        });
        device.variable("temp", () -> 21.5);
        device.connect();

        Request call = Request.newPost();
        call.getOptions().addUriPath("f").addUriPath("led");
        call.setPayload("on");
        Response answer = cloud.request(call);
        assertThat(answer.getCode()).isEqualTo(ResponseCode.CHANGED);
        assertThat(answer.getPayloadString()).isEqualTo("1");

        Request boom = Request.newPost();
        boom.getOptions().addUriPath("f").addUriPath("boom");
        assertThat(cloud.request(boom).getCode()).isEqualTo(ResponseCode.INTERNAL_SERVER_ERROR);

        Request missing = Request.newPost();
        missing.getOptions().addUriPath("f").addUriPath("nope");
        assertThat(cloud.request(missing).getCode()).isEqualTo(ResponseCode.NOT_FOUND);

        Request read = Request.newGet();
        read.getOptions().addUriPath("v").addUriPath("temp");
        Response value = cloud.request(read);
        assertThat(value.getCode()).isEqualTo(ResponseCode.CONTENT);
        assertThat(value.getPayloadString()).isEqualTo("21.5");
    }

    @Test
    void connector_carries_the_connection_id_the_cloud_assigns() {
        var connector = new io.corral.device.internal.BcDtlsConnector(psk(PSK_DEVICE, PSK), cloud.address(),
                new InetSocketAddress("127.0.0.1", 0), Thread.ofVirtual().factory(), Duration.ofSeconds(5),
                io.corral.device.internal.LinkCondition.ALWAYS_UP,
                new org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto(new java.security.SecureRandom()), lost -> { });
        connector.start();
        try {
            var result = connector.handshake();
            assertThat(result.cloudConnectionId()).hasSize(6); // the test cloud's DTLS_CONNECTION_ID_LENGTH
            assertThat(result.cipherSuite()).isEqualTo("TLS_PSK_WITH_AES_128_CCM_8");
            assertThat(connector.getProtocol()).isEqualTo("DTLS");
            assertThat(connector.isConnected()).isTrue();
        } finally {
            connector.stop();
        }
        assertThat(connector.isConnected()).isFalse();
    }

    @Test
    void bad_input_fails_locally_with_a_message_that_names_the_limit() {
        Device device = device(psk(PSK_DEVICE, PSK));
        assertThatThrownBy(() -> device.publish("x".repeat(65), "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 64");
        assertThatThrownBy(() -> device.publish("ok", "x".repeat(1025)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 1024 bytes");
        assertThatThrownBy(() -> device.publish("hook-sent/x", "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> Device.builder().credentials(psk(PSK_DEVICE, PSK))
                .handshakeTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("handshakeTimeout must be between");
    }

    @Test
    void publish_when_not_connected_fails_with_not_connected() {
        Device device = device(psk(PSK_DEVICE, PSK));
        assertThat(device.publish("x", "1")).failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(DeviceException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeviceException.Reason.NOT_CONNECTED));
    }
}
