package io.corral.cloud.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole;
import org.junit.jupiter.api.Test;

/** Scandium settings by Californium's own names, read by Californium's definitions, over the Corral profile. */
class DtlsSettingsTest {

    @Test
    void a_setting_by_field_name_or_key_reaches_the_endpoint_configuration_over_the_profile() {
        DtlsSettings dtls = DtlsSettings.builder().scandium("DTLS_RECEIVER_THREAD_COUNT", "3")
                .scandium("DTLS.MAX_CONNECTIONS", "500").scandium("DTLS_RETRANSMISSION_TIMEOUT", "2s").build();

        Configuration configuration = DeviceEndpoint.configuration(dtls);

        assertThat(configuration.get(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT)).isEqualTo(3);
        assertThat(configuration.get(DtlsConfig.DTLS_MAX_CONNECTIONS)).isEqualTo(500);
        assertThat(configuration.get(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, TimeUnit.MILLISECONDS)).isEqualTo(2000);
        assertThat(configuration.get(DtlsConfig.DTLS_ROLE)).isEqualTo(DtlsRole.SERVER_ONLY);
        assertThat(dtls.scandium()).containsEntry("DTLS.RECEIVER_THREAD_COUNT", "3")
                .containsEntry("DTLS.RETRANSMISSION_TIMEOUT", "2000[ms]");
        assertThat(DtlsSettings.NONE.scandium()).isEmpty();
    }

    @Test
    void an_unknown_name_a_profile_setting_or_a_bad_value_is_refused_precisely() {
        assertThatThrownBy(() -> DtlsSettings.builder().scandium("DTLS_RECIEVER_THREAD_COUNT", "3"))
                .hasMessage("'DTLS_RECIEVER_THREAD_COUNT' is not a Scandium or Californium setting; the nearest is "
                        + "'DTLS_RECEIVER_THREAD_COUNT'");
        assertThatThrownBy(() -> DtlsSettings.builder().scandium("DTLS.CIPHER_SUITES", "TLS_PSK_WITH_AES_128_CCM_8"))
                .hasMessageStartingWith("DTLS.CIPHER_SUITES is set by the Corral profile (to ");
        assertThatThrownBy(() -> DtlsSettings.builder().scandium("DTLS_MAX_CONNECTIONS", "none"))
                .hasMessage("'none' is not a value of DTLS_MAX_CONNECTIONS: Key 'DTLS.MAX_CONNECTIONS': value 'none' "
                        + "is no Integer");
        assertThatThrownBy(() -> DtlsSettings.builder().scandium("DTLS_RETRANSMISSION_TIMEOUT", "2"))
                .hasMessageContaining("a number needs a unit");
    }
}
