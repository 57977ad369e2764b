package io.corral.cloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.testkit.TestCloud;
import io.corral.device.DeviceCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A PSK device driven by libcoap's stock {@code coap-client} (Debian package libcoap3-bin, installed by .ci/run):
 * the key is the PSK text as written in the credential file. Fails, rather than skips, when the tool is missing.
 */
class StockCoapClientTest {
    @AutoClose
    private TestCloud cloud = TestCloud.builder().start();

    @Test
    void coap_client_with_the_psk_text_says_hello_and_reads_the_time() throws Exception {
        DeviceCredentials credentials = cloud.pskCredentials("alice");
        String uri = "coaps://127.0.0.1:" + cloud.coapAddress().getPort();

        String hello = coapClient(credentials, "-m", "post", "-e", "{\"fw\":\"1.0\",\"product\":\"cli\"}", uri + "/h");
        assertThat(hello).contains("\"keepalive\":30");
        // coap-client closes its session on exit, so the trace it leaves is the registry's last-seen time.
        assertThat(cloud.cloud().registry().findById(credentials.deviceId()).orElseThrow().lastSeen()).isNotNull();

        String time = coapClient(credentials, "-m", "get", uri + "/t").trim();
        assertThat(Long.parseLong(time)).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset
                .offset(5L));
    }

    /** Runs coap-client with the device's PSK identity and key; asserts it exits 0; returns its output. */
    static String coapClient(DeviceCredentials credentials, String... args) throws Exception {
        Path tool = List.of("/usr/bin/coap-client-openssl", "/usr/bin/coap-client-gnutls", "/usr/bin/coap-client")
                .stream().map(Path::of).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new AssertionError("libcoap's coap-client is not installed: "
                        + "apt-get install -y libcoap3-bin (bash .ci/run does this)"));
        List<String> command = new java.util.ArrayList<>(List.of(tool.toString(), "-u", credentials.deviceId(),
                "-k", credentials.psk(), "-B", "10"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("coap-client finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("coap-client exit code, output: " + output).isZero();
        return output;
    }
}
