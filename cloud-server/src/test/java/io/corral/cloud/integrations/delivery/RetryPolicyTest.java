package io.corral.cloud.integrations.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The retry schedule is as documented. */
class RetryPolicyTest {

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
