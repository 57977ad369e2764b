package io.corral.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The credential file is a contract between the cloud that writes it and the devices that read it. */
class CredentialFileTest {
    private static final String ID = "0123456789abcdef01234567";

    @TempDir
    Path dir;

    @Test
    void an_rpk_file_has_the_documented_keys_in_order_and_no_psk() {
        CredentialFile file = CredentialFile.rpk(ID, new byte[] {1}, new byte[] {2}, "cloud.example", 5684,
                new byte[] {3});
        assertThat(file.toJson().replaceAll("\\s", "")).isEqualTo("{\"device_id\":\"" + ID + "\",\"auth\":\"rpk\","
                + "\"private_key\":\"AQ==\",\"public_key\":\"Ag==\",\"cloud_host\":\"cloud.example\","
                + "\"cloud_port\":5684,\"cloud_public_key\":\"Aw==\"}");
    }

    @Test
    void a_saved_psk_file_reads_back_and_is_readable_by_the_owner_only() throws IOException {
        Path path = dir.resolve("device.json");
        CredentialFile.psk(ID, "se0qt4fwkTv_oVZDZFaGf5CjORD7mXfy", "127.0.0.1", 5684, new byte[] {9}).save(path);

        CredentialFile read = CredentialFile.load(path);
        assertThat(read.auth()).isEqualTo(CredentialFile.Auth.PSK);
        assertThat(read.psk()).isEqualTo("se0qt4fwkTv_oVZDZFaGf5CjORD7mXfy");
        assertThat(read.cloudPublicKeySpki()).containsExactly(9);
        assertThat(read.privateKeyPkcs8()).isNull();
        assertThat(Files.getPosixFilePermissions(path)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(read.toString()).doesNotContain("se0qt4fwkTv");
    }

    @Test
    void a_file_written_by_hand_is_checked_field_by_field() {
        assertThatThrownBy(() -> CredentialFile.fromJson("{\"device_id\":\"" + ID + "\",\"auth\":\"rpk\","
                + "\"public_key\":\"AA==\",\"cloud_public_key\":\"AA==\",\"cloud_host\":\"h\",\"cloud_port\":1}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("an rpk credential needs private_key, public_key and cloud_public_key");
        assertThatThrownBy(() -> CredentialFile.fromJson("{\"device_id\":\"" + ID + "\",\"auth\":\"psk\","
                + "\"psk\":\"k\",\"cloud_host\":\" \",\"cloud_port\":1}"))
                .hasMessageContaining("cloud_host is missing");
        assertThatThrownBy(() -> CredentialFile.fromJson("{\"device_id\":\"" + ID + "\",\"auth\":\"psk\","
                + "\"psk\":\"k\",\"cloud_host\":\"h\"}"))
                .hasMessageContaining("cloud_port must be in [1, 65535], was 0");
    }

    @Test
    void a_copy_for_another_address_keeps_the_secrets() {
        byte[] key = Base64.getDecoder().decode("AQID");
        CredentialFile file = CredentialFile.rpk(ID, key, key, "h", 1, key).withCloudAddress("other", 2);
        assertThat(file.cloudHost()).isEqualTo("other");
        assertThat(file.cloudPort()).isEqualTo(2);
        assertThat(file.privateKeyPkcs8()).isEqualTo(key);
    }
}
