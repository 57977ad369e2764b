package io.corral.cloud.integrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Builders of the integration machinery name the bad setting and its range; the retry schedule is as documented. */
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

    @Test
    void the_default_retry_schedule_doubles_from_5_s_to_an_hour_and_gives_up_after_a_day() {
        RetryPolicy retry = RetryPolicy.DEFAULTS;
        assertThat(retry.ceiling(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(retry.ceiling(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(retry.ceiling(10)).isEqualTo(Duration.ofSeconds(2560));
        assertThat(retry.ceiling(11)).isEqualTo(Duration.ofHours(1));
        assertThat(retry.ceiling(100)).isEqualTo(Duration.ofHours(1));

        Instant first = Instant.parse("2025-01-01T00:00:00Z");
        Instant next = retry.next(1, first, first, null).orElseThrow();
        assertThat(next).isBetween(first.plusMillis(2_500), first.plusSeconds(5));
        assertThat(retry.next(30, first, first.plus(Duration.ofHours(23)), null)).as("inside the day").isNotEmpty();
        assertThat(retry.next(31, first, first.plus(Duration.ofHours(24)), null)).as("past the day").isEmpty();
        assertThat(retry.next(1, first, first, first.plusSeconds(60))).as("Retry-After is honoured")
                .contains(first.plusSeconds(60));
    }
}
