package io.corral.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.protocol.DeviceIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceCredentialsTest {
    @TempDir
    Path dir;

    @Test
    void rpk_credentials_survive_a_save_and_load() throws IOException {
        var device = ScandiumTestCloud.p256();
        var cloud = ScandiumTestCloud.p256();
        String id = DeviceIds.random();
        DeviceCredentials written = DeviceCredentials.rpk(id, device.getPrivate().getEncoded(),
                device.getPublic().getEncoded(), "127.0.0.1", 5684, cloud.getPublic().getEncoded());
        Path file = dir.resolve("device.json");
        written.save(file);

        DeviceCredentials read = DeviceCredentials.load(file);
        assertThat(read.deviceId()).isEqualTo(id);
        assertThat(read.auth()).isEqualTo(DeviceCredentials.Auth.RPK);
        assertThat(read.privateKeyPkcs8()).isEqualTo(device.getPrivate().getEncoded());
        assertThat(read.cloudPublicKeySpki()).isEqualTo(cloud.getPublic().getEncoded());
        assertThat(read.toString()).doesNotContain(java.util.Base64.getEncoder()
                .encodeToString(device.getPrivate().getEncoded()));
    }

    @Test
    void psk_credentials_keep_the_key_as_text() {
        String id = DeviceIds.random();
        DeviceCredentials credentials = DeviceCredentials.psk(id, "se0qt4fwkTv_oVZDZFaGf5CjORD7mXfy", "h", 1, null);
        DeviceCredentials read = DeviceCredentials.fromJson(credentials.toJson());
        assertThat(read.psk()).isEqualTo("se0qt4fwkTv_oVZDZFaGf5CjORD7mXfy");
        assertThat(credentials.toJson()).contains("\"auth\" : \"psk\"");
    }

    @Test
    void bad_files_are_refused_with_the_field_named() throws IOException {
        String id = DeviceIds.random();
        assertThatThrownBy(() -> DeviceCredentials.fromJson("{\"device_id\":\"xyz\",\"auth\":\"psk\",\"psk\":\"k\","
                + "\"cloud_host\":\"h\",\"cloud_port\":1}")).hasMessageContaining("device_id must be 24 lowercase hex");
        assertThatThrownBy(() -> DeviceCredentials.fromJson("{\"device_id\":\"" + id + "\",\"auth\":\"psk\","
                + "\"psk\":\"k\",\"cloud_host\":\"h\",\"cloud_port\":70000}"))
                .hasMessageContaining("cloud_port must be in [1, 65535], was 70000");
        assertThatThrownBy(() -> DeviceCredentials.fromJson("{\"device_id\":\"" + id + "\",\"auth\":\"rpk\","
                + "\"private_key\":\"%%%\",\"public_key\":\"AA==\",\"cloud_public_key\":\"AA==\","
                + "\"cloud_host\":\"h\",\"cloud_port\":1}")).hasMessageContaining("private_key is not valid base64");
        assertThatThrownBy(() -> DeviceCredentials.fromJson("{\"device_id\":\"" + id + "\",\"auth\":\"psk\","
                + "\"cloud_host\":\"h\",\"cloud_port\":1}")).hasMessageContaining("needs a non-empty psk");
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\"device_id\":\"nope\",\"auth\":\"psk\",\"psk\":\"k\",\"cloud_host\":\"h\","
                + "\"cloud_port\":1}");
        assertThatThrownBy(() -> DeviceCredentials.load(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("broken.json").hasMessageContaining("device_id");
    }
}
