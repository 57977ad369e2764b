package io.corral.cloud.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Throttles password guessing: after {@code maxFailures} failed logins within {@code window} (counted from the
 * first failure), further attempts for that username, or from that IP address, are refused until the window
 * ends. Both keys count, so neither one attacker spraying many names nor many hosts hammering one name gets far.
 * A success clears its username's count (not its address's, which may be shared with an attacker).
 *
 * <p>The counts live in a bounded Caffeine table (at most {@value #MAX_KEYS} keys, each expiring with its window),
 * so a flood of made-up names cannot grow memory. When the table is full, the least recently used key goes
 * first; an attacker who floods it can only make throttling forget, never block anyone else. Thread-safe.
 */
final class LoginThrottle {
    static final int MAX_KEYS = 100_000;

    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final Cache<String, Failures> failures;

    /** Failures counted since {@code since}; immutable, replaced on every failure. */
    private record Failures(Instant since, int count) {
    }

    LoginThrottle(int maxFailures, Duration window, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
        this.failures = Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterWrite(window)
                .ticker(() -> clock.millis() * 1_000_000L).build();
    }

    /** How long to wait before trying again, or empty when neither key is throttled now. */
    Optional<Duration> retryAfter(String username, String address) {
        Instant now = clock.instant();
        Duration wait = Duration.ZERO;
        for (String key : keys(username, address)) {
            Failures f = key == null ? null : failures.getIfPresent(key);
            if (f != null && f.count() >= maxFailures && now.isBefore(f.since().plus(window))) {
                Duration left = Duration.between(now, f.since().plus(window));
                wait = left.compareTo(wait) > 0 ? left : wait;
            }
        }
        return wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    /**
     * Refuses an attempt while either key is throttled: a 429 {@link ApiError} ({@code too_many_requests}), with
     * {@code Retry-After} in whole seconds on {@code ctx}.
     */
    void refuseIfThrottled(Context ctx, String username, String address) {
        Optional<Duration> wait = retryAfter(username, address);
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            ctx.header("Retry-After", Long.toString(seconds));
            throw new ApiError(429, "too_many_requests", "too many failed logins for this username or from this "
                    + "address; try again in " + seconds + " s");
        }
    }

    /** Counts one failed login against both keys. */
    void failed(String username, String address) {
        Instant now = clock.instant();
        for (String key : keys(username, address)) {
            if (key != null) {
                failures.asMap().compute(key, (k, f) -> f == null || !now.isBefore(f.since().plus(window))
                        ? new Failures(now, 1) : new Failures(f.since(), f.count() + 1));
            }
        }
    }

    /** A successful login: its username starts afresh. */
    void succeeded(String username) {
        if (username != null) {
            failures.invalidate(userKey(username));
        }
    }

    private static String[] keys(String username, String address) {
        return new String[] {username == null ? null : userKey(username), address == null ? null : "ip:" + address};
    }

    private static String userKey(String username) {
        return "user:" + username;
    }
}
