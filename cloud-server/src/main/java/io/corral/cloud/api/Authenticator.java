package io.corral.cloud.api;

import io.corral.cloud.registry.AccessToken;
import io.corral.cloud.registry.TokenStore;
import io.corral.cloud.registry.UserStore;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Instant;
import java.util.Locale;

/**
 * Finds the access token of a request and checks it: {@code Authorization: Bearer TOKEN}, or, as Particle
 * clients also send it, an {@code access_token} query or form parameter (browsers' EventSource cannot set
 * headers). Every refusal is a 401 that says why: missing, unknown, revoked or expired.
 *
 * <p>{@code DELETE /v1/access_tokens/TOKEN} needs nothing else: the token in the path is its own credential.
 *
 * <p>Where Particle takes a username and password instead ({@code /v1/access_tokens}), HTTP Basic with a user's
 * credentials authenticates too, throttled as logins are; such a caller has no token of its own.
 */
final class Authenticator {
    private static final String BEARER = "bearer ";

    private final TokenStore tokens;
    private final UserStore users;
    private final LoginThrottle throttle;

    Authenticator(TokenStore tokens, UserStore users, LoginThrottle throttle) {
        this.tokens = tokens;
        this.users = users;
        this.throttle = throttle;
    }

    /** @param basicAllowed whether a user's username and password (HTTP Basic) may stand in for a token */
    Caller authenticate(Context ctx, boolean basicAllowed) {
        if (basicAllowed) {
            var basic = BasicCredentials.of(ctx.header("Authorization"));
            if (basic.isPresent()) {
                return basic(ctx, basic.get());
            }
        }
        String token = presented(ctx);
        if (token == null) {
            throw ApiError.unauthorized("no access token: send the header 'Authorization: Bearer TOKEN' "
                    + "(create one with: corral-cloud token create --owner NAME)");
        }
        Instant now = Instant.now();
        AccessToken found = tokens.use(token, now).orElseThrow(
                () -> ApiError.unauthorized("the access token is not one this cloud issued"));
        return switch (found.stateAt(now)) {
            case ACTIVE -> new Caller(found.owner(), found.admin(), found.id(), found.expiresAt());
            case REVOKED -> throw ApiError.unauthorized("access token " + found.id() + " was revoked at "
                    + found.revokedAt());
            case EXPIRED -> throw ApiError.unauthorized("access token " + found.id() + " expired at "
                    + found.expiresAt() + "; create a new one");
        };
    }

    private Caller basic(Context ctx, BasicCredentials credentials) {
        throttle.refuseIfThrottled(ctx, credentials.name(), ctx.ip());
        return users.authenticate(credentials.name(), credentials.secret()).map(user -> {
            throttle.succeeded(user.username());
            return new Caller(user.username(), false, null, null);
        }).orElseThrow(() -> {
            throttle.failed(credentials.name(), ctx.ip());
            return ApiError.unauthorized("wrong username or password");
        });
    }

    private static String presented(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null) {
            if (!header.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
                throw ApiError.unauthorized("the Authorization header must be 'Bearer TOKEN'");
            }
            return header.substring(BEARER.length()).strip();
        }
        String query = ctx.queryParam("access_token");
        if (query != null) {
            return query;
        }
        String form = ctx.isFormUrlencoded() ? ctx.formParam("access_token") : null;
        return form != null ? form : tokenRevokingItself(ctx);
    }

    /**
     * {@code DELETE /v1/access_tokens/TOKEN} with no credentials: as on Particle, a token is its own proof, so
     * whoever holds it may revoke it (particle-api-js's {@code deleteAccessToken} sends nothing else). Ids and
     * {@code current} are not tokens, and find nothing here.
     */
    private static String tokenRevokingItself(Context ctx) {
        String prefix = "/v1/access_tokens/";
        if (ctx.method() != HandlerType.DELETE || !ctx.path().startsWith(prefix)) {
            return null;
        }
        String handle = ctx.path().substring(prefix.length());
        return handle.isEmpty() || handle.equals("current") || handle.contains("/") ? null : handle;
    }
}
