package io.corral.cloud.api;

import static io.javalin.http.HandlerType.GET;

import io.corral.cloud.registry.OAuthClient;
import io.corral.cloud.registry.TokenStore;
import io.corral.cloud.registry.User;
import io.corral.cloud.registry.UserStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Particle's login: {@code POST /oauth/token} with {@code grant_type=password} (a user's username and password)
 * or {@code client_credentials} (a client made with {@code corral-cloud client create --owner}), the client's id
 * and secret in the form or in HTTP Basic; and {@code GET /v1/user}. A login issues an ordinary access token of
 * the user's owner, recorded with its client. Errors are OAuth's ({@code invalid_request}, {@code invalid_client},
 * {@code invalid_grant}, {@code unauthorized_client}, {@code unsupported_grant_type}) with Particle's
 * {@code ok: false}; failed logins are throttled per username and per IP address ({@link LoginThrottle}).
 */
final class OAuthRoutes {
    private final TokenStore tokens;
    private final UserStore users;
    private final LoginSettings settings;
    private final LoginThrottle throttle;

    OAuthRoutes(TokenStore tokens, UserStore users, LoginSettings settings, LoginThrottle throttle) {
        this.tokens = tokens;
        this.users = users;
        this.settings = settings;
        this.throttle = throttle;
    }

    /** The OAuth error body, with Particle's {@code ok}. */
    record OAuthError(boolean ok, String error, String errorDescription) {
    }

    /** A login's answer, in Particle's shape; {@code expires_in} is null for a token that never expires. */
    record Issued(String tokenType, String accessToken, Long expiresIn, String refreshToken, String expiresAt) {
    }

    /** {@code /oauth/token} is authenticated by its own form, not by a token. */
    void addUnauthenticated(RoutesConfig routes) {
        routes.post("/oauth/token", this::token);
    }

    void addTo(ApiServer.Routes routes) {
        routes.add(GET, "/v1/user", (ctx, caller) -> Json.respond(ctx, 200, Map.of("username", caller.owner())));
    }

    private void token(Context ctx) {
        try {
            issue(ctx);
        } catch (ApiError e) {
            if (e.status() == 401) {
                ctx.header("WWW-Authenticate", "Basic realm=\"corral\"");
            }
            Json.respond(ctx, e.status(), new OAuthError(false, e.code(), e.getMessage()));
        }
    }

    private void issue(Context ctx) {
        RequestBody body = RequestBody.of(ctx).allowOnly("grant_type", "username", "password", "client_id",
                "client_secret", "expires_in", "expires_at", "scope");
        String grant = body.string("grant_type");
        if (grant == null) {
            throw oauth(400, "invalid_request", "field 'grant_type' is required: password or client_credentials");
        }
        Optional<BasicCredentials> basic = BasicCredentials.of(ctx.header("Authorization"));
        String clientId = basic.map(BasicCredentials::name).orElse(body.string("client_id"));
        String clientSecret = basic.map(BasicCredentials::secret).orElse(body.string("client_secret"));
        Instant now = Instant.now();
        Instant expiresAt = expiry(body, now);
        String address = ctx.ip();
        String owner = switch (grant) {
            case "password" -> passwordLogin(ctx, body, clientId, clientSecret, address);
            case "client_credentials" -> clientLogin(ctx, clientId, clientSecret, address);
            default -> throw oauth(400, "unsupported_grant_type", "field 'grant_type' must be password or "
                    + "client_credentials, was " + quoted(grant));
        };
        TokenStore.Issued issued = tokens.create(owner, false, expiresAt, clientId);
        Long expiresIn = expiresAt == null ? null : Duration.between(now, issued.record().expiresAt()).toSeconds();
        ctx.header("Cache-Control", "no-store");
        Json.respond(ctx, 200, new Issued("bearer", issued.token(), expiresIn, null, Json.time(expiresAt)));
    }

    /** The owner the user logs in as; the client is checked first, as OAuth does. */
    private String passwordLogin(Context ctx, RequestBody body, String clientId, String clientSecret, String address) {
        String username = body.string("username");
        String password = body.string("password");
        if (username == null || password == null) {
            throw oauth(400, "invalid_request", "fields 'username' and 'password' are required for grant_type "
                    + "password");
        }
        throttle.refuseIfThrottled(ctx, username, address);
        checkClient(clientId, clientSecret, address);
        Optional<User> user = users.authenticate(username, password);
        if (user.isEmpty()) {
            throttle.failed(username, address);
            // One message for an unknown user and a wrong password: the answer must not tell which names exist.
            throw oauth(400, "invalid_grant", "wrong username or password");
        }
        throttle.succeeded(username);
        return user.get().username();
    }

    private String clientLogin(Context ctx, String clientId, String clientSecret, String address) {
        throttle.refuseIfThrottled(ctx, null, address);
        OAuthClient client = checkClient(clientId, clientSecret, address)
                .orElseThrow(() -> oauth(400, "unauthorized_client", "client " + quoted(clientId) + " is a public "
                        + "client and cannot use grant_type client_credentials; make one with: corral-cloud client "
                        + "create --id ID --owner NAME"));
        if (client.owner() == null) {
            throw oauth(400, "unauthorized_client", "client " + quoted(clientId) + " has no owner, so it cannot use "
                    + "grant_type client_credentials; it can carry password logins only");
        }
        return client.owner();
    }

    /**
     * A registered client must give its secret. A public client (Particle's own) is accepted by id: its secret is
     * published in its source, so checking it would prove nothing.
     *
     * @return the registered client, or empty for a public one
     */
    private Optional<OAuthClient> checkClient(String clientId, String clientSecret, String address) {
        if (clientId == null || clientId.isEmpty()) {
            throw oauth(401, "invalid_client", "field 'client_id' is required (in the form or HTTP Basic); accepted"
                    + " are the clients made with 'corral-cloud client create' and " + publicIds());
        }
        if (users.findClient(clientId).isPresent()) {
            Optional<OAuthClient> client = users.authenticateClient(clientId, clientSecret);
            if (client.isEmpty()) {
                throttle.failed(null, address);
                throw oauth(401, "invalid_client", "wrong client secret for client " + quoted(clientId));
            }
            return client;
        }
        if (settings.acceptedClientIds().contains(clientId)) {
            return Optional.empty();
        }
        throw oauth(401, "invalid_client", "client " + quoted(clientId) + " is not accepted; accepted are the "
                + "clients made with 'corral-cloud client create' and " + publicIds() + " (auth.accepted-client-ids)");
    }

    /** {@code expires_in} in seconds, 0 for never (as Particle); else the setting's lifetime. */
    private Instant expiry(RequestBody body, Instant now) {
        if (!body.has("expires_in")) {
            return now.plus(settings.tokenLifetime());
        }
        int seconds;
        try {
            seconds = body.integer("expires_in", 0, TokenRoutes.MAX_EXPIRES_IN_SECONDS, 0);
        } catch (ApiError e) {
            throw oauth(400, "invalid_request", e.getMessage() + " (0 = never expires)");
        }
        return seconds == 0 ? null : now.plusSeconds(seconds);
    }

    private String publicIds() {
        return settings.acceptedClientIds().isEmpty() ? "no public client"
                : String.join(", ", settings.acceptedClientIds().stream().sorted().toList());
    }

    private static ApiError oauth(int status, String code, String description) {
        return new ApiError(status, code, description);
    }

    private static String quoted(String value) {
        return io.corral.cloud.registry.RegistryInputs.quoted(value);
    }
}
