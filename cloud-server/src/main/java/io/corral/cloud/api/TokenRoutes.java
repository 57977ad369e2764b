package io.corral.cloud.api;

import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

import io.corral.cloud.registry.AccessToken;
import io.corral.cloud.registry.TokenStore;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST}, {@code GET} and {@code DELETE /v1/access_tokens}. A token creates tokens for its own owner, never
 * with the admin scope and never outliving itself, unless it carries the admin scope.
 */
final class TokenRoutes {
    /** Ten years, the longest lifetime a token may ask for; the CLI has the same bound. */
    static final int MAX_EXPIRES_IN_SECONDS = 3650 * 24 * 3600;

    private final TokenStore tokens;

    TokenRoutes(TokenStore tokens) {
        this.tokens = tokens;
    }

    void addTo(ApiServer.Routes routes) {
        routes.add(POST, "/v1/access_tokens", this::create);
        routes.add(GET, "/v1/access_tokens", this::list);
        routes.add(DELETE, "/v1/access_tokens/{token}", this::revoke);
    }

    /** A created token, the only time its text is shown; {@code expires_in} in seconds, null for never. */
    record Created(String accessToken, String tokenType, Long expiresIn, String expiresAt, String id, String owner,
                   boolean admin) {
    }

    /**
     * A stored token, without its text, which is not stored. {@code token} and {@code client} are the fields
     * Particle's list has: {@code token} carries the id (which {@code DELETE} takes), {@code client} the OAuth
     * client a login issued it to.
     */
    record Listed(String id, String owner, boolean admin, String state, String createdAt, String expiresAt,
                  String lastUsedAt, String revokedAt, String token, String client) {
    }

    private void create(Context ctx, Caller caller) {
        RequestBody body = RequestBody.of(ctx).allowOnly("owner", "admin", "expires_in");
        String owner = caller.actingOwner(body.string("owner"));
        boolean admin = body.bool("admin", false);
        if (admin) {
            caller.requireAdmin("creating a token with the admin scope");
        }
        Instant now = Instant.now();
        Instant expiresAt = body.has("expires_in")
                ? now.plusSeconds(body.integer("expires_in", 1, MAX_EXPIRES_IN_SECONDS, 0)) : caller.expiresAt();
        if (!caller.admin() && caller.expiresAt() != null && expiresAt.isAfter(caller.expiresAt())) {
            throw ApiError.badRequest("field 'expires_in' must be at most "
                    + Duration.between(now, caller.expiresAt()).toSeconds()
                    + " seconds: a token cannot outlive the token that creates it (expires at " + caller.expiresAt() + ")");
        }
        TokenStore.Issued issued = tokens.create(owner, admin, expiresAt);
        AccessToken t = issued.record();
        Long expiresIn = t.expiresAt() == null ? null : Duration.between(now, t.expiresAt()).toSeconds();
        Json.respond(ctx, 201, new Created(issued.token(), "bearer", expiresIn, Json.time(t.expiresAt()), t.id(),
                t.owner(), t.admin()));
    }

    private void list(Context ctx, Caller caller) {
        String owner = caller.actingOwner(ctx.queryParam("owner"));
        Instant now = Instant.now();
        Json.respond(ctx, 200, tokens.listByOwner(owner).stream().map(t -> listed(t, now)).toList());
    }

    /**
     * Takes the token's id, the token itself (as Particle's API does), or {@code current} for the token of this
     * request. A token of another owner is not found, unless the caller has the admin scope.
     */
    private void revoke(Context ctx, Caller caller) {
        String handle = ctx.pathParam("token");
        if (handle.equals("current") && caller.tokenId() == null) {
            throw ApiError.badRequest("'current' is the token of the request, and this request was authenticated "
                    + "by username and password; name the token, or send it as 'Authorization: Bearer TOKEN'");
        }
        Optional<AccessToken> found = handle.equals("current") ? tokens.findById(caller.tokenId())
                : tokens.findById(handle).or(() -> tokens.use(handle, Instant.now()));
        AccessToken token = found.filter(t -> caller.admin() || t.owner().equals(caller.owner()))
                .orElseThrow(() -> ApiError.notFound("no access token '" + abbreviated(handle) + "' of owner "
                        + caller.owner()));
        tokens.revoke(token.id());
        Json.respond(ctx, 200, Map.of("ok", true, "id", token.id()));
    }

    private static Listed listed(AccessToken t, Instant now) {
        return new Listed(t.id(), t.owner(), t.admin(), t.stateAt(now).name().toLowerCase(Locale.ROOT),
                Json.time(t.created()), Json.time(t.expiresAt()), Json.time(t.lastUsed()), Json.time(t.revokedAt()),
                t.id(), t.client());
    }

    /** Error messages may be logged: never repeat more than the start of what may be a token. */
    private static String abbreviated(String handle) {
        return handle.length() <= 16 ? handle : handle.substring(0, 6) + "...";
    }
}
