package io.corral.cloud.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How {@code POST /oauth/token} logs users in; each field is defined, with its default and range, in
 * {@link AuthKeys}.
 *
 * @param acceptedClientIds  public client ids accepted without a registered secret; default Particle's own,
 *                           {@code particle-api} and {@code CLI2}
 * @param tokenLifetime      lifetime of a login's token when the request gives no {@code expires_in}; 90 days
 * @param loginFailures      failed logins allowed per username and per IP address in the window; 5
 * @param loginFailureWindow the window they are counted in, from the first failure; 1 minute
 */
public record LoginSettings(Set<String> acceptedClientIds, Duration tokenLifetime, int loginFailures,
                            Duration loginFailureWindow) {

    /** Every default of {@link AuthKeys}. */
    public static final LoginSettings DEFAULTS = new LoginSettings(AuthKeys.ACCEPTED_CLIENT_IDS.defaultValue(),
            AuthKeys.TOKEN_LIFETIME.defaultValue(), AuthKeys.LOGIN_FAILURES.defaultValue(),
            AuthKeys.LOGIN_FAILURE_WINDOW.defaultValue());

    /** @throws io.corral.cloud.config.SettingException naming the bad field and its allowed range */
    public LoginSettings {
        acceptedClientIds = Set.copyOf(Objects.requireNonNull(acceptedClientIds, "acceptedClientIds"));
        AuthKeys.TOKEN_LIFETIME.check(tokenLifetime);
        AuthKeys.LOGIN_FAILURES.check(loginFailures);
        AuthKeys.LOGIN_FAILURE_WINDOW.check(loginFailureWindow);
    }
}
