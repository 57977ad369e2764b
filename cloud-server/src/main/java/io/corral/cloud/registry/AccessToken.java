package io.corral.cloud.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * An API access token as the {@link TokenStore} keeps it: everything but the token itself, of which only a hash
 * is stored.
 *
 * @param id        public handle of the token (16 lowercase hex characters), safe to show and to log; used to list
 *                  and revoke it
 * @param owner     the owner whose devices and events the token reaches
 * @param admin     whether the token carries the admin scope: operations endpoints, other owners' provisioning
 *                  and tokens
 * @param created   when it was created
 * @param expiresAt when it stops working; null for never
 * @param lastUsed  when it last authenticated a request, to within {@link TokenStore#LAST_USED_RESOLUTION};
 *                  null if never
 * @param revokedAt when it was revoked; null while not revoked
 * @param client    the OAuth client a login ({@code POST /oauth/token}) issued it to; null for tokens made
 *                  otherwise ({@code corral-cloud token create}, {@code POST /v1/access_tokens})
 */
public record AccessToken(String id, String owner, boolean admin, Instant created, Instant expiresAt,
                          Instant lastUsed, Instant revokedAt, String client) {

    /** Whether a token works at a given moment. */
    public enum State { ACTIVE, EXPIRED, REVOKED }

    public AccessToken {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(created, "created");
    }

    /** Revocation wins over expiry: a revoked token is reported as revoked even once it has also expired. */
    public State stateAt(Instant now) {
        if (revokedAt != null) {
            return State.REVOKED;
        }
        if (expiresAt != null && !now.isBefore(expiresAt)) {
            return State.EXPIRED;
        }
        return State.ACTIVE;
    }
}
