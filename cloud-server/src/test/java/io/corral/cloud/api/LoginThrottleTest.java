package io.corral.cloud.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The throttle's windows, on a clock moved by hand. */
class LoginThrottleTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofMinutes(1), clock);

    @Test
    void a_username_is_throttled_after_the_allowed_failures_until_the_window_ends() {
        throttle.failed("alice", "10.0.0.1");
        throttle.failed("alice", "10.0.0.2");
        assertThat(throttle.retryAfter("alice", "10.0.0.3")).isEmpty();
        clock.advance(Duration.ofSeconds(20));
        throttle.failed("alice", "10.0.0.3");

        assertThat(throttle.retryAfter("alice", "10.0.0.4")).hasValue(Duration.ofSeconds(40));
        assertThat(throttle.retryAfter("bob", "10.0.0.4")).isEmpty();
        clock.advance(Duration.ofSeconds(40));
        assertThat(throttle.retryAfter("alice", "10.0.0.4")).isEmpty();
    }

    @Test
    void an_address_is_throttled_whatever_names_it_tries() {
        throttle.failed("a", "10.0.0.1");
        throttle.failed("b", "10.0.0.1");
        throttle.failed("c", "10.0.0.1");

        assertThat(throttle.retryAfter("d", "10.0.0.1")).hasValue(Duration.ofMinutes(1));
        assertThat(throttle.retryAfter("d", "10.0.0.2")).isEmpty();
    }

    @Test
    void a_success_clears_its_username_but_not_the_address() {
        throttle.failed("alice", "10.0.0.1");
        throttle.failed("alice", "10.0.0.1");
        throttle.succeeded("alice");
        throttle.failed("alice", "10.0.0.1");

        assertThat(throttle.retryAfter("alice", "10.0.0.9")).isEmpty();
        assertThat(throttle.retryAfter("zed", "10.0.0.1")).hasValue(Duration.ofMinutes(1));
    }

    @Test
    void a_failure_after_the_window_starts_a_new_one() {
        throttle.failed("alice", null);
        throttle.failed("alice", null);
        clock.advance(Duration.ofMinutes(2));
        throttle.failed("alice", null);
        throttle.failed("alice", null);

        assertThat(throttle.retryAfter("alice", null)).isEmpty();
    }
}
