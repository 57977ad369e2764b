package io.corral.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.cloud.coap.LiveSession;
import io.corral.cloud.registry.CloudKeys;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.TestCloud;
import io.corral.cloud.testkit.TestDevice;
import io.corral.protocol.DeviceIds;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Random;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.elements.DtlsEndpointContext;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertDescription;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real DTLS handshakes on loopback: who gets in, who does not, and what the cloud counts. */
class DeviceConnectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private TestCloud cloud;

    @BeforeEach
    void startCloud() {
        cloud = TestCloud.builder().memory().start();
    }

    @AfterEach
    void stopCloud() {
        cloud.close();
    }

    @Test
    void psk_device_says_hello_and_reads_the_time() throws Exception {
        TestDevice device = cloud.pskDevice("alice");

        CoapResponse hello = device.hello();
        JsonNode reply = JSON.readTree(hello.getPayload());
        assertThat(hello.getOptions().getContentFormat()).isEqualTo(MediaTypeRegistry.APPLICATION_JSON);
        assertThat(reply.get("keepalive").asInt()).isEqualTo(30);
        assertThat(reply.get("time").asLong()).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));

        CoapResponse time = device.get("t");
        assertThat(time.getCode()).isEqualTo(ResponseCode.CONTENT);
        assertThat(Long.parseLong(time.getResponseText())).isCloseTo(Instant.now().getEpochSecond(),
                org.assertj.core.data.Offset.offset(60L));

        LiveSession session = cloud.cloud().sessions().find(device.id()).orElseThrow();
        assertThat(session.owner()).isEqualTo("alice");
        assertThat(session.firmware()).isEqualTo("1.2.3");
        assertThat(session.product()).isEqualTo("thermo");
        assertThat(session.features()).containsExactly("f");
        assertThat(cloud.registry().findById(device.id()).orElseThrow().lastSeen()).isNotNull();
        // The test device offers an empty connection id, as Bouncy Castle does; the cloud still assigns its own.
        assertThat(session.context().get(DtlsEndpointContext.KEY_READ_CONNECTION_ID))
                .as("connection id the cloud assigned").isNotNull()
                .satisfies(cid -> assertThat(cid.length()).isEqualTo(6));
    }

    @Test
    void rpk_device_says_hello() throws Exception {
        TestDevice device = cloud.rpkDevice("bob");

        device.hello();

        assertThat(cloud.cloud().sessions().find(device.id()).orElseThrow().owner()).isEqualTo("bob");
        assertThat(cloud.cloud().handshakeStats().fullCompleted()).isEqualTo(1);
    }

    // Scandium refuses PSK handshakes silently (no alert), so nobody can probe which identities exist; the
    // device sees its handshake time out.
    @Test
    void unknown_psk_identity_is_refused_in_the_handshake() {
        TestDevice stranger = cloud.track(TestDevice.refusedPsk(DeviceIds.random(), "guess",
                cloud.cloud().coapAddress()));

        assertThatThrownBy(stranger::hello).rootCause().isInstanceOf(HandshakeException.class)
                .hasMessageContaining("fatal alert/UNKNOWN_PSK_IDENTITY");
        assertThat(cloud.cloud().sessions().size()).isZero();
        assertThat(cloud.cloud().handshakeStats().fullCompleted()).isZero();
    }

    @Test
    void registered_psk_identity_with_the_wrong_key_is_refused() {
        TestDevice registered = cloud.pskDevice("alice");
        TestDevice impostor = cloud.track(TestDevice.refusedPsk(registered.id(), "wrong",
                cloud.cloud().coapAddress()));

        assertThatThrownBy(impostor::hello).rootCause().isInstanceOf(HandshakeException.class)
                .hasMessageContaining("fatal alert/DECRYPT_ERROR");
        assertThat(cloud.cloud().sessions().isOnline(registered.id())).isFalse();
        assertThat(cloud.cloud().handshakeStats().fullCompleted()).isZero();
    }

    @Test
    void unknown_raw_public_key_is_refused_with_bad_certificate() {
        TestDevice stranger = cloud.track(TestDevice.rpk(DeviceIds.random(), CloudKeys.generateP256(),
                cloud.cloud().publicKeySpki(), cloud.cloud().coapAddress()));

        assertThatThrownBy(stranger::hello).rootCause()
                .isInstanceOfSatisfying(HandshakeException.class, e ->
                        assertThat(e.getAlert().getDescription()).isEqualTo(AlertDescription.BAD_CERTIFICATE));
        assertThat(cloud.cloud().sessions().size()).isZero();
        Await.until("the cloud counts the failed handshake", () -> cloud.cloud().handshakeStats().failed() >= 1);
        assertThat(cloud.cloud().handshakeStats().fullCompleted()).isZero();
    }

    @Test
    void garbage_datagrams_do_not_disturb_a_connected_device() throws Exception {
        TestDevice device = cloud.pskDevice("alice");
        device.hello();
        InetSocketAddress address = cloud.cloud().coapAddress();
        byte[] garbage = new byte[300];
        new Random(42).nextBytes(garbage);
        // Random bytes, then something that looks like a DTLS record header with a lying length.
        byte[] fakeRecord = {23, (byte) 0xfe, (byte) 0xfd, 0, 1, 0, 0, 0, 0, 0, 9, 0x7f, (byte) 0xff, 1, 2, 3};
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.send(new DatagramPacket(garbage, garbage.length, address));
            socket.send(new DatagramPacket(fakeRecord, fakeRecord.length, address));
            socket.send(new DatagramPacket(new byte[0], 0, address));
        }

        assertThat(device.get("t").getCode()).isEqualTo(ResponseCode.CONTENT);
        assertThat(device.publish("still/here", "1").getCode()).isEqualTo(ResponseCode.CHANGED);
    }

    @Test
    void malformed_coap_inside_dtls_does_not_break_the_session() throws Exception {
        TestDevice device = cloud.pskDevice("alice");
        device.hello();

        device.sendRaw(new byte[] {0x7f, 0x01});
        // CON GET, token length 0, MID 0x1234, then a Uri-Path option claiming 300 bytes (the limit is 255).
        byte[] oversizedOption = new byte[4 + 3 + 300];
        oversizedOption[0] = 0x40;
        oversizedOption[1] = 0x01;
        oversizedOption[2] = 0x12;
        oversizedOption[3] = 0x34;
        oversizedOption[4] = (byte) 0xbe; // delta 11 (Uri-Path), length 14: two extended length bytes follow
        oversizedOption[5] = (byte) ((300 - 269) >> 8);
        oversizedOption[6] = (byte) ((300 - 269) & 0xff);
        device.sendRaw(oversizedOption);

        assertThat(device.get("t").getCode()).isEqualTo(ResponseCode.CONTENT);
        assertThat(device.publish("still/here", "1").getCode()).isEqualTo(ResponseCode.CHANGED);
    }

    @Test
    void coap_ping_is_answered() {
        TestDevice device = cloud.pskDevice("alice");

        assertThat(device.ping()).isTrue();
    }

    @Test
    void full_and_resumed_handshakes_are_counted_apart() throws Exception {
        TestDevice device = cloud.pskDevice("alice");
        device.hello();

        device.forceResumption();
        assertThat(device.get("t").getCode()).isEqualTo(ResponseCode.CONTENT);

        Await.until("the resumption is counted", () -> cloud.cloud().handshakeStats().resumedCompleted() == 1);
        assertThat(cloud.cloud().handshakeStats().fullCompleted()).isEqualTo(1);
    }

    @Test
    void closing_the_dtls_connection_ends_the_live_session() throws Exception {
        TestDevice device = cloud.pskDevice("alice");
        device.hello();
        assertThat(cloud.cloud().sessions().isOnline(device.id())).isTrue();

        device.closeConnection();

        Await.until("the session is gone", () -> !cloud.cloud().sessions().isOnline(device.id()));
    }
}
