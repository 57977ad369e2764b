package io.corral.cloud.api;

import io.corral.cloud.config.Setting;
import io.corral.cloud.config.SettingType;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The definitions of {@link LoginSettings}: how {@code POST /oauth/token} logs users in, which clients it
 * accepts, and how it throttles guessing. {@code corral-cloud run} turns them into flags, keys and variables.
 */
public final class AuthKeys {
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** A comma-separated list of client ids; empty for none. */
    static final SettingType<Set<String>> CLIENT_IDS = SettingType.of("client ids", text -> {
        Set<String> ids = new LinkedHashSet<>();
        for (String id : text.split(",")) {
            String stripped = id.strip();
            if (stripped.isEmpty()) {
                continue;
            }
            if (!CLIENT_ID.matcher(stripped).matches()) {
                throw new IllegalArgumentException("'" + stripped + "' is not a client id: 1..64 characters of "
                        + "[A-Za-z0-9._-], comma-separated");
            }
            ids.add(stripped);
        }
        return Set.copyOf(ids);
    }, ids -> String.join(",", ids.stream().sorted().toList()));

    /** Particle's own clients: particle-api-js's default ({@code particle-api}) and particle-cli's ({@code CLI2}). */
    public static final Set<String> PARTICLE_CLIENT_IDS = Set.copyOf(Arrays.asList("particle-api", "CLI2"));

    public static final Setting<Set<String>> ACCEPTED_CLIENT_IDS = Setting.of("auth.accepted-client-ids",
                    CLIENT_IDS, PARTICLE_CLIENT_IDS,
                    "Public OAuth client ids that POST /oauth/token accepts for password logins without a registered "
                            + "secret (their secrets are published in their source); clients made with 'corral-cloud "
                            + "client create' are accepted as well, with their secret.")
            .name("acceptedClientIds").flag("IDS", "--accepted-client-ids");

    public static final Setting<Duration> TOKEN_LIFETIME = Setting.of("auth.token-lifetime", SettingType.DURATION,
                    Duration.ofDays(90), "Lifetime of a token a login issues when the request gives no expires_in "
                            + "(Particle's default is 90 days).")
            .range(Duration.ofMinutes(1), Duration.ofSeconds(TokenRoutes.MAX_EXPIRES_IN_SECONDS))
            .name("tokenLifetime").flag("DURATION", "--token-lifetime");

    public static final Setting<Integer> LOGIN_FAILURES = Setting.of("auth.login-failures", SettingType.INTEGER, 5,
                    "Failed logins allowed per username and per client IP address within auth.login-failure-window; "
                            + "more answer 429 with Retry-After.")
            .range(1, 1000).name("loginFailures").flag("N", "--login-failures");

    public static final Setting<Duration> LOGIN_FAILURE_WINDOW = Setting.of("auth.login-failure-window",
                    SettingType.DURATION, Duration.ofMinutes(1), "The window auth.login-failures counts in, from "
                            + "the first failure.")
            .range(Duration.ofSeconds(1), Duration.ofDays(1)).name("loginFailureWindow");

    /** Every login setting, in documentation order. */
    public static final List<Setting<?>> ALL = List.of(ACCEPTED_CLIENT_IDS, TOKEN_LIFETIME, LOGIN_FAILURES,
            LOGIN_FAILURE_WINDOW);

    private AuthKeys() {
    }
}
