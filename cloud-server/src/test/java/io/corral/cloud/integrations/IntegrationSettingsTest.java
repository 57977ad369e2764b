package io.corral.cloud.integrations;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.integrations.delivery.RetryPolicy;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Builders of the integration machinery name the bad setting and its range. */
class IntegrationSettingsTest {

    @Test
    void each_bad_setting_is_named_with_its_range() {
        assertThatThrownBy(() -> IntegrationSettings.builder().workers(65).build())
                .hasMessage("workers must be in [0, 64], was 65");
        assertThatThrownBy(() -> IntegrationSettings.builder().leaseTime(Duration.ofSeconds(1)).build())
                .hasMessage("leaseTime must be in [5 s, 1 h], was 1 s");
        assertThatThrownBy(() -> IntegrationSettings.builder().maxInFlight(0).build())
                .hasMessage("maxInFlight must be in [1, 100000], was 0");
        assertThatThrownBy(() -> IntegrationSettings.builder().fdWatchdog(0.7, 0.8, Duration.ofSeconds(1)).build())
                .hasMessage("fdLowWater must be in [0.01, 0.69], was 0.8");
        assertThatThrownBy(() -> SqliteIntegrationDatabase.Options.builder().linger(Duration.ofSeconds(1)).build())
                .hasMessage("linger must be in [0, 100 ms], was 1 s");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofHours(1)))
                .hasMessage("retry.maxDelay must be >= retry.initialDelay (PT5S), was PT1S");
        assertThatThrownBy(() -> Integrations.builder().build())
                .hasMessage("queue must be set: the durable delivery queue");
    }
}
