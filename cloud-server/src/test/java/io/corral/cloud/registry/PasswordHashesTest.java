package io.corral.cloud.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Argon2id encoding: salted, self-describing, and refusing what it did not write. */
class PasswordHashesTest {

    @Test
    void a_hash_is_phc_argon2id_with_its_parameters_and_a_fresh_salt() {
        String a = PasswordHashes.hash("correct horse battery");
        String b = PasswordHashes.hash("correct horse battery");

        assertThat(a).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(a).isNotEqualTo(b).doesNotContain("correct");
        assertThat(PasswordHashes.verify("correct horse battery", a)).isTrue();
        assertThat(PasswordHashes.verify("correct horse battery", b)).isTrue();
        assertThat(PasswordHashes.verify("correct horse batter", a)).isFalse();
    }

    @Test
    void a_hash_made_with_other_parameters_still_verifies() {
        String hash = PasswordHashes.hash("secret password");
        // The same salt and password at t=1 give another hash; the encoded parameters say which to use.
        String tampered = hash.replace("t=2", "t=1");

        assertThat(PasswordHashes.verify("secret password", hash)).isTrue();
        assertThat(PasswordHashes.verify("secret password", tampered)).isFalse();
    }

    @Test
    void missing_or_malformed_hashes_never_verify() {
        assertThat(PasswordHashes.verify("anything", null)).isFalse();
        assertThat(PasswordHashes.verify("anything", "plain text")).isFalse();
        assertThat(PasswordHashes.verify("anything", "$argon2id$v=19$m=99999999,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$"
                + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).isFalse();
    }
}
