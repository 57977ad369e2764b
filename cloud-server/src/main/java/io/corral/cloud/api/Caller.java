package io.corral.cloud.api;

import java.time.Instant;

/**
 * Who made a request: the owner and scope of the access token it presented.
 *
 * @param tokenId   the id of the token the request presented; null for a user authenticated by password (HTTP
 *                  Basic), who presented none
 * @param expiresAt the token's expiry, null for never; tokens it creates may not outlive it
 */
record Caller(String owner, boolean admin, String tokenId, Instant expiresAt) {

    /** The owner a request acts for: the caller's own, or, for admin tokens only, the one the request names. */
    String actingOwner(String requested) {
        if (requested == null || requested.equals(owner)) {
            return owner;
        }
        if (!admin) {
            throw ApiError.forbidden("acting for owner '" + requested + "' needs a token with the admin scope; "
                    + "this token belongs to '" + owner + "'");
        }
        return requested;
    }

    void requireAdmin(String what) {
        if (!admin) {
            throw ApiError.forbidden(what + " needs a token with the admin scope "
                    + "(corral-cloud token create --owner NAME --admin)");
        }
    }
}
