package io.corral.cloud.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.api.Test;

class CloudKeysTest {

    @Test
    void p256_keys_round_trip_through_der_and_still_sign_and_verify() throws Exception {
        KeyPair pair = CloudKeys.generateP256();
        var publicKey = CloudKeys.publicKeyFromSpki(pair.getPublic().getEncoded());
        var privateKey = CloudKeys.privateKeyFromPkcs8(pair.getPrivate().getEncoded());

        assertThat(((ECPublicKey) publicKey).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        byte[] message = "hello".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(privateKey);
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(publicKey);
        verifier.update(message);
        assertThat(verifier.verify(signature)).isTrue();
    }

    @Test
    void psk_is_32_url_safe_characters_and_fresh_each_time() {
        String psk = CloudKeys.newPsk();
        assertThat(psk).hasSize(32).matches("[A-Za-z0-9_-]{32}");
        assertThat(CloudKeys.newPsk()).isNotEqualTo(psk);
    }

    @Test
    void garbage_key_bytes_are_rejected_with_a_message_naming_the_format() {
        assertThatThrownBy(() -> CloudKeys.publicKeyFromSpki(new byte[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("public key is not an EC SubjectPublicKeyInfo");
        assertThatThrownBy(() -> CloudKeys.privateKeyFromPkcs8(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("private key must be non-empty PKCS#8 DER");
    }
}
