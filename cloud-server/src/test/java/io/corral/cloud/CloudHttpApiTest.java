package io.corral.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.storage.memory.MemoryStorage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cloud's HTTP API settings and lifecycle. */
class CloudHttpApiTest {
    @TempDir
    Path dataDir;

    @Test
    void the_api_is_off_unless_an_http_port_is_set() throws IOException {
        try (Cloud cloud = Cloud.builder().registry(MemoryStorage.open().registry()).coapHost("127.0.0.1").coapPort(0).build()) {
            cloud.start();
            assertThatThrownBy(cloud::httpAddress).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the HTTP API is off; set httpPort(...) on the builder");
        }
    }

    @Test
    void bad_api_settings_are_named_with_their_range() {
        assertThatThrownBy(() -> Cloud.builder().registry(MemoryStorage.open().registry()).httpPort(0).build())
                .hasMessage("httpPort needs dataDir(...): the HTTP API keeps its access tokens in the data dir's database");
        assertThatThrownBy(() -> Cloud.builder().dataDir(dataDir).httpPort(65536).build())
                .hasMessage("httpPort must be in [0, 65535] (0 = ephemeral), was 65536");
        assertThatThrownBy(() -> Cloud.builder().dataDir(dataDir).httpPort(0).functionTimeout(Duration.ofMillis(10)).build())
                .hasMessage("functionTimeout must be in [1 s, 5 min], was PT0.01S");
        assertThatThrownBy(() -> Cloud.builder().dataDir(dataDir).httpPort(0).eventStreams(0, Duration.ofSeconds(1)).build())
                .hasMessage("event stream buffer must be in [1, 100000] events, was 0");
        assertThatThrownBy(() -> Cloud.builder().dataDir(dataDir).httpPort(0).eventStreams(8, Duration.ofSeconds(20)).build())
                .hasMessage("event stream heartbeat must be in [100 ms, 15 s], was PT20S");
        assertThatThrownBy(() -> Cloud.builder().dataDir(dataDir).httpPort(0).httpHost("").build())
                .hasMessage("httpHost must be a host name or IP address, was ''");
    }

    @Test
    void a_started_cloud_serves_the_api_on_its_http_address() throws Exception {
        try (Cloud cloud = Cloud.builder().dataDir(dataDir).coapHost("127.0.0.1").coapPort(0)
                .httpHost("127.0.0.1").httpPort(0).build()) {
            cloud.start();
            URI health = URI.create("http://127.0.0.1:" + cloud.httpAddress().getPort() + "/healthz");
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(cloud.httpAddress().getPort()).isPositive();
        }
    }

    @Test
    void an_http_port_in_use_fails_start_with_an_io_exception() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Cloud cloud = Cloud.builder().dataDir(dataDir).coapHost("127.0.0.1").coapPort(0)
                     .httpHost("127.0.0.1").httpPort(taken.getLocalPort()).build()) {
            assertThatThrownBy(cloud::start).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot start the HTTP API: ");
            assertThatThrownBy(cloud::coapAddress).isInstanceOf(IllegalStateException.class);
        }
    }
}
