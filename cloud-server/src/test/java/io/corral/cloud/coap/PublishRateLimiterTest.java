package io.corral.cloud.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket on a hand-driven clock. */
class PublishRateLimiterTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    // Start near the wrap-around of nanoTime to prove the arithmetic only compares differences.
    private final AtomicLong now = new AtomicLong(Long.MAX_VALUE - 2 * SECOND);
    private final PublishRateLimiter limiter = new PublishRateLimiter(1.0, 4, now::get);

    @Test
    void allows_the_burst_then_says_how_long_to_wait() {
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.tryAcquire("d")).as("publish %d", i).isZero();
        }
        assertThat(limiter.tryAcquire("d")).isEqualTo(SECOND);

        now.addAndGet(SECOND / 2);
        assertThat(limiter.tryAcquire("d")).isEqualTo(SECOND / 2);

        now.addAndGet(SECOND / 2);
        assertThat(limiter.tryAcquire("d")).isZero();
        assertThat(limiter.tryAcquire("d")).isEqualTo(SECOND);
    }

    @Test
    void refills_to_the_burst_and_no_further() {
        for (int i = 0; i < 4; i++) {
            limiter.tryAcquire("d");
        }
        now.addAndGet(100 * SECOND);

        for (int i = 0; i < 4; i++) {
            assertThat(limiter.tryAcquire("d")).isZero();
        }
        assertThat(limiter.tryAcquire("d")).isPositive();
    }

    @Test
    void devices_have_their_own_buckets() {
        for (int i = 0; i < 4; i++) {
            limiter.tryAcquire("d");
        }
        assertThat(limiter.tryAcquire("d")).isPositive();
        assertThat(limiter.tryAcquire("other")).isZero();
    }
}
