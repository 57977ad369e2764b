package io.corral.cloud.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataKeyTest {
    private static final byte[] AAD = "device-1".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void sealedValueOpensWithTheSameKeyAndAssociatedDataOnly() {
        DataKey key = DataKey.ephemeral();
        byte[] secret = "psk-text".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = key.seal(secret, AAD);

        assertThat(DataKey.isSealed(sealed)).isTrue();
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("psk-text");
        assertThat(key.open(sealed, AAD)).isEqualTo(secret);
        assertThatThrownBy(() -> key.open(sealed, "device-2".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SealedValueException.class).hasMessageContaining("moved or altered");
        assertThatThrownBy(() -> DataKey.ephemeral().open(sealed, AAD)).isInstanceOf(SealedValueException.class);
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> key.open(sealed, AAD)).isInstanceOf(SealedValueException.class);
    }

    @Test
    void twoSealsOfOneValueDiffer() {
        DataKey key = DataKey.ephemeral();
        assertThat(key.seal(new byte[] {1}, AAD)).isNotEqualTo(key.seal(new byte[] {1}, AAD));
    }

    @Test
    void keyFileIsCreatedOwnerOnlyAndReadBackAsTheSameKey() throws Exception {
        Path file = dir.resolve("keys/data.key");
        DataKey first = DataKey.loadOrCreate(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        DataKey second = DataKey.loadOrCreate(file);
        assertThat(second.fingerprint()).isEqualTo(first.fingerprint());
        assertThat(second.open(first.seal(new byte[] {7}, AAD), AAD)).containsExactly(7);
    }

    @Test
    void looseOrMalformedKeyFilesAreRefusedWithTheReason() throws Exception {
        Path file = dir.resolve("data.key");
        DataKey.loadOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> DataKey.load(file)).hasMessageContaining("chmod 600");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(file, "c2hvcnQ=\n");
        assertThatThrownBy(() -> DataKey.load(file)).hasMessageContaining("holds 5 bytes");
        assertThatThrownBy(() -> DataKey.load(dir.resolve("missing.key"))).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> DataKey.ephemeral().open(new byte[] {1, 2}, AAD))
                .isInstanceOf(SealedValueException.class).hasMessageContaining("not sealed");
    }
}
