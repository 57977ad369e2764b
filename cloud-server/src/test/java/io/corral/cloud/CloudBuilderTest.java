package io.corral.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.storage.memory.MemoryStorage;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builder refuses bad settings with messages that name the setting and its range. */
class CloudBuilderTest {
    private final DeviceRegistry registry = MemoryStorage.open().registry();

    @Test
    void needs_a_registry_or_a_data_directory() {
        assertThatThrownBy(() -> Cloud.builder().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("either registry(...) or dataDir(...) must be set: the cloud needs a device registry");
    }

    @Test
    void names_the_bad_setting_and_its_range() {
        assertThatThrownBy(() -> Cloud.builder().registry(registry).coapPort(70000).build())
                .hasMessage("coapPort must be in [0, 65535] (0 = ephemeral), was 70000");
        assertThatThrownBy(() -> Cloud.builder().registry(registry).keepaliveSeconds(1).build())
                .hasMessage("keepaliveSeconds must be in [5, 3600], was 1");
        assertThatThrownBy(() -> Cloud.builder().registry(registry).coapHost(" ").build())
                .hasMessage("coapHost must be a host name or IP address, was ' '");
        assertThatThrownBy(() -> Cloud.builder().registry(registry).limits(null).build())
                .hasMessage("limits must not be null; use Limits.DEFAULTS");
        assertThatThrownBy(() -> Cloud.builder().registry(registry).integrations(null).build())
                .hasMessage("integrations must not be null; use IntegrationSettings.DEFAULTS");

    }

    @Test
    void integration_storage_needs_both_parts(@TempDir Path dir) {
        try (SqliteIntegrationDatabase db = SqliteIntegrationDatabase.open(dir)) {
            assertThatThrownBy(() -> Cloud.builder().registry(registry).integrationStorage(db.queue(), null).build())
                    .hasMessage("integrationStorage needs both a queue and a store, or neither");
        }
    }

    @Test
    void start_creates_the_cloud_key_pair_once_and_a_second_cloud_reuses_it() throws IOException {
        try (Cloud cloud = Cloud.builder().registry(registry).coapHost("127.0.0.1").coapPort(0).build()) {
            assertThatThrownBy(cloud::coapAddress).hasMessage("cloud is not started; call start() first");
            cloud.start();
            assertThat(registry.cloudKeyPair()).isPresent();
            assertThat(cloud.publicKeySpki()).isEqualTo(registry.cloudKeyPair().get().getPublic().getEncoded());
            assertThat(cloud.coapAddress().getPort()).isPositive();
            assertThatThrownBy(cloud::start).hasMessage("cloud already started");
        }
        try (Cloud again = Cloud.builder().registry(registry).coapHost("127.0.0.1").coapPort(0).build()) {
            again.start();
            assertThat(again.publicKeySpki()).isEqualTo(registry.cloudKeyPair().get().getPublic().getEncoded());
        }
    }

    @Test
    void a_port_in_use_fails_start_with_an_io_exception() throws IOException {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Cloud cloud = Cloud.builder().registry(registry).coapHost("127.0.0.1").coapPort(taken.getLocalPort())
                     .build()) {
            assertThatThrownBy(cloud::start).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot start the CoAP/DTLS endpoint on /127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void api_publish_checks_name_and_size() throws IOException {
        try (Cloud cloud = Cloud.builder().registry(registry).coapHost("127.0.0.1").coapPort(0).build()) {
            cloud.start();
            assertThatThrownBy(() -> cloud.publishFromApi("alice", "hook-sent/x", "", 60))
                    .hasMessage("event name 'hook-sent/x' uses the reserved prefix 'hook-sent/'");
            assertThatThrownBy(() -> cloud.publishFromApi("alice", "x", "é".repeat(513), 60))
                    .hasMessage("event data is 1026 bytes of UTF-8, the limit is 1024");
        }
    }
}
