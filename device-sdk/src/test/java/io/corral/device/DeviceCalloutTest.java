package io.corral.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.protocol.DeviceIds;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.californium.core.coap.CoAP.Code;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Handlers and listeners that throw, against a real Scandium DTLS server: the device keeps working, and each
 * failure reaches {@link ConnectionListener#onError(String, Throwable)} and {@link Device#callbackErrors()}.
 */
class DeviceCalloutTest {
    private static final String PSK_DEVICE = DeviceIds.random();
    private static final String PSK = "c2VjcmV0LXBzay1mb3ItdGVzdHM";
    private ScandiumTestCloud cloud;
    private Device device;
    private final List<String> reported = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        cloud = new ScandiumTestCloud(PSK_DEVICE, PSK);
        device = Device.builder()
                .credentials(DeviceCredentials.psk(PSK_DEVICE, PSK, cloud.address().getHostString(),
                        cloud.address().getPort(), null))
                .handshakeTimeout(Duration.ofSeconds(5)).reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(20))
                .threadFactory(Thread.ofVirtual().factory()).build();
        device.addConnectionListener(new ConnectionListener() {
            @Override
            public void onError(String callback, Throwable error) {
                reported.add(callback + ": " + error);
            }
        });
    }

    @AfterEach
    void stop() {
        device.close();
        cloud.close();
    }

    private Response call(String path, String name) throws InterruptedException {
        Request request = path.equals("v") ? Request.newGet() : Request.newPost();
        request.getOptions().addUriPath(path).addUriPath(name);
        if (request.getCode() != Code.GET) {
            request.setPayload("x");
        }
        Response response = cloud.request(request);
        assertThat(response).as("an answer to /%s/%s", path, name).isNotNull();
        return response;
    }

    @Test
    void listeners_that_throw_do_not_stop_the_device_connecting_and_are_reported() {
        device.addConnectionListener(new ThrowingListener());
        device.connect();

        assertThat(device.state()).isEqualTo(ConnectionState.CONNECTED);
        device.publish("still-works", "1").join();
        assertThat(cloud.published).containsExactly("E/still-works=1");
        // Its onError throws too when told of its own failures; that is only logged.
        assertThat(reported).containsExactly(
                "ConnectionListener.onStateChanged: java.lang.IllegalStateException: onStateChanged broke",
                "ConnectionListener.onHandshake: java.lang.AssertionError: onHandshake broke",
                "ConnectionListener.onStateChanged: java.lang.IllegalStateException: onStateChanged broke");
        assertThat(device.callbackErrors()).isEqualTo(3);
    }

    @Test
    void a_function_that_throws_an_error_answers_5_00_and_the_device_keeps_serving() throws Exception {
        device.function("assert", arg -> {
            throw new AssertionError("not an Exception");
        });
        device.function("led", arg -> 1);
        device.connect();

        Response failed = call("f", "assert");
        assertThat(failed.getCode()).isEqualTo(ResponseCode.INTERNAL_SERVER_ERROR);
        assertThat(failed.getPayloadString()).contains("not an Exception");
        assertThat(call("f", "led").getCode()).isEqualTo(ResponseCode.CHANGED);
        assertThat(reported).containsExactly("function 'assert': java.lang.AssertionError: not an Exception");
        assertThat(device.callbackErrors()).isEqualTo(1);
    }

    @Test
    void a_variable_that_throws_answers_5_00_and_is_reported() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        device.variable("flaky", () -> {
            if (reads.incrementAndGet() > 1) { // the first read, at registration, learns the type
                throw new IllegalStateException("sensor unplugged");
            }
            return 1;
        });
        device.connect();

        assertThat(call("v", "flaky").getCode()).isEqualTo(ResponseCode.INTERNAL_SERVER_ERROR);
        assertThat(reported).containsExactly("variable 'flaky': java.lang.IllegalStateException: sensor unplugged");
    }

    @Test
    void an_event_handler_that_throws_is_reported_and_the_other_handlers_still_get_the_event() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        device.subscribe("alerts", event -> {
            throw new IllegalStateException("handler broke");
        });
        device.subscribe("alerts/", event -> received.add(event.name()));
        device.connect();

        assertThat(call("E", "alerts").getCode()).isEqualTo(ResponseCode.CHANGED);
        Request delivery = Request.newPost();
        delivery.getOptions().addUriPath("E").addUriPath("alerts").addUriPath("fire");
        delivery.setPayload("1");
        assertThat(cloud.request(delivery).getCode()).isEqualTo(ResponseCode.CHANGED);

        // The device answers before it runs the handlers, so wait for them.
        for (int i = 0; i < 100 && (received.isEmpty() || reported.size() < 2); i++) {
            Thread.sleep(50);
        }
        assertThat(received).containsExactly("alerts/fire");
        assertThat(reported).containsExactly(
                "event handler for 'alerts': java.lang.IllegalStateException: handler broke",
                "event handler for 'alerts': java.lang.IllegalStateException: handler broke");
    }

    @Test
    void a_listener_that_throws_on_a_failed_attempt_does_not_stop_the_reconnects() throws Exception {
        cloud.overloadedHellos.set(1);
        device.addConnectionListener(new ThrowingListener());
        device.start();
        for (int i = 0; i < 100 && device.state() != ConnectionState.CONNECTED; i++) {
            Thread.sleep(100);
        }

        assertThat(device.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(cloud.hellos.get()).isEqualTo(2);
        assertThat(reported).containsOnlyOnce(
                "ConnectionListener.onConnectFailed: java.lang.IllegalStateException: onConnectFailed broke");
    }
}
