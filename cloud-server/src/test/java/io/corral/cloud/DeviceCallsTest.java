package io.corral.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.coap.DeviceCallException.Reason;
import io.corral.cloud.coap.DeviceCallException;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.TestCloud;
import io.corral.cloud.testkit.TestDevice;
import io.corral.protocol.DeviceIds;
import io.corral.protocol.Limits;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.coap.CoAP.Code;
import org.eclipse.californium.core.coap.CoAP.Type;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cloud-to-device function calls and variable reads over the device's own DTLS session. */
class DeviceCallsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private TestCloud cloud;

    @AfterEach
    void stopCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    private TestDevice onlineDevice(Limits limits, boolean rpk) throws Exception {
        cloud = TestCloud.builder().memory().limits(limits).start();
        TestDevice device = rpk ? cloud.rpkDevice("alice") : cloud.pskDevice("alice");
        device.hello();
        return device;
    }

    private static DeviceCallException failure(CompletableFuture<?> call) throws InterruptedException {
        try {
            call.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(DeviceCallException.class);
            return (DeviceCallException) e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the call never completed", e);
        }
        throw new AssertionError("the call succeeded");
    }

    @Test
    void function_call_returns_the_devices_int_result() throws Exception {
        TestDevice device = onlineDevice(Limits.DEFAULTS, true);
        device.function("add", argument -> 40 + Integer.parseInt(argument));

        assertThat(cloud.cloud().callFunction(device.id(), "add", "2", TIMEOUT).get(30, TimeUnit.SECONDS))
                .isEqualTo(42);
    }

    @Test
    void variable_read_returns_json_text() throws Exception {
        TestDevice device = onlineDevice(Limits.DEFAULTS, false);
        device.variable("temp", () -> "21.5");

        assertThat(cloud.cloud().readVariable(device.id(), "temp", TIMEOUT).get(30, TimeUnit.SECONDS))
                .isEqualTo("21.5");
    }

    @Test
    void unknown_function_and_variable_are_not_found() throws Exception {
        TestDevice device = onlineDevice(Limits.DEFAULTS, false);

        DeviceCallException function = failure(cloud.cloud().callFunction(device.id(), "nope", "", TIMEOUT));
        assertThat(function.reason()).isEqualTo(Reason.NOT_FOUND);
        assertThat(function.getMessage()).isEqualTo("device " + device.id() + " has no function 'nope' "
                + "(4.04 NOT_FOUND: no function nope)");

        DeviceCallException variable = failure(cloud.cloud().readVariable(device.id(), "nope", TIMEOUT));
        assertThat(variable.reason()).isEqualTo(Reason.NOT_FOUND);
        assertThat(variable.getMessage()).startsWith("device " + device.id() + " has no variable 'nope'");
    }

    @Test
    void a_throwing_handler_is_handler_failed() throws Exception {
        TestDevice device = onlineDevice(Limits.DEFAULTS, false);
        device.function("boom", argument -> {
            throw new IllegalStateException("kaputt");
        });

        DeviceCallException e = failure(cloud.cloud().callFunction(device.id(), "boom", "", TIMEOUT));

        assertThat(e.reason()).isEqualTo(Reason.HANDLER_FAILED);
        assertThat(e.getMessage()).isEqualTo("function 'boom' of device " + device.id()
                + " failed on the device (5.00 INTERNAL_SERVER_ERROR: handler threw kaputt)");
    }

    @Test
    void an_argument_over_the_cloud_limit_is_refused_before_sending() throws Exception {
        TestDevice device = onlineDevice(Limits.DEFAULTS, false);
        device.function("echo", String::length);

        DeviceCallException e = failure(cloud.cloud().callFunction(device.id(), "echo", "x".repeat(1025), TIMEOUT));

        assertThat(e.reason()).isEqualTo(Reason.ARGUMENT_TOO_LONG);
        assertThat(e.getMessage()).isEqualTo("cannot call function 'echo' of device " + device.id()
                + ": the argument is 1025 bytes of UTF-8, the limit is 1024");
    }

    @Test
    void an_argument_the_device_finds_too_long_is_argument_too_long() throws Exception {
        // The cloud allows more than this device does; the argument then travels block-wise and the device says 4.13.
        TestDevice device = onlineDevice(new Limits(64, 1024, 4096, 64, 1, 4, 8), false);
        device.function("echo", String::length);

        DeviceCallException e = failure(cloud.cloud().callFunction(device.id(), "echo", "x".repeat(1500), TIMEOUT));

        assertThat(e.reason()).isEqualTo(Reason.ARGUMENT_TOO_LONG);
        assertThat(e.getMessage()).startsWith("device " + device.id() + " refused the argument of function 'echo'");
    }

    @Test
    void a_device_that_never_connected_is_offline() throws Exception {
        cloud = TestCloud.builder().memory().start();
        String id = DeviceIds.random();

        DeviceCallException e = failure(cloud.cloud().callFunction(id, "reset", "", TIMEOUT));

        assertThat(e.reason()).isEqualTo(Reason.OFFLINE);
        assertThat(e.deviceId()).isEqualTo(id);
        assertThat(e.getMessage()).isEqualTo("device " + id + " is offline: it has no live session (it has not said"
                + " hello since the cloud started, or it said goodbye)");
    }

    @Test
    void a_device_that_said_goodbye_is_offline() throws Exception {
        TestDevice device = onlineDevice(Limits.DEFAULTS, false);
        device.variable("temp", () -> "1");
        device.fireAndForget(Code.POST, Type.NON, "x", null);
        Await.until("the session is gone", () -> !cloud.cloud().sessions().isOnline(device.id()));

        assertThat(failure(cloud.cloud().readVariable(device.id(), "temp", TIMEOUT)).reason())
                .isEqualTo(Reason.OFFLINE);
    }

    @Test
    void a_device_that_closed_its_connection_is_offline() throws Exception {
        TestDevice device = onlineDevice(Limits.DEFAULTS, true);
        device.variable("temp", () -> "1");
        device.closeConnection();
        Await.until("the session is gone", () -> !cloud.cloud().sessions().isOnline(device.id()));

        assertThat(failure(cloud.cloud().readVariable(device.id(), "temp", TIMEOUT)).reason())
                .isEqualTo(Reason.OFFLINE);
    }

    @Test
    void a_device_that_does_not_answer_in_time_is_a_timeout() throws Exception {
        TestDevice device = onlineDevice(Limits.DEFAULTS, false);
        CountDownLatch release = new CountDownLatch(1);
        device.function("slow", argument -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        });
        try {
            DeviceCallException e = failure(cloud.cloud().callFunction(device.id(), "slow", "", Duration.ofMillis(300)));

            assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
            assertThat(e.getMessage()).isEqualTo("function 'slow' of device " + device.id()
                    + " did not answer within PT0.3S");
        } finally {
            release.countDown();
        }
    }

    @Test
    void an_invalid_name_is_not_found_without_a_round_trip() throws Exception {
        TestDevice device = onlineDevice(Limits.DEFAULTS, false);

        DeviceCallException e = failure(cloud.cloud().callFunction(device.id(), "a/b", "", TIMEOUT));

        assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND);
        assertThat(e.getMessage()).isEqualTo("cannot call function 'a/b' of device " + device.id()
                + ": function name 'a/b' must not contain '/'");
    }

    @Test
    void calls_reject_a_missing_timeout() throws Exception {
        TestDevice device = onlineDevice(Limits.DEFAULTS, false);

        assertThatThrownBy(() -> cloud.cloud().callFunction(device.id(), "f", "", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be positive, was PT0S");
    }
}
