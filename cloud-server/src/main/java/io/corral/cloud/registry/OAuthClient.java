package io.corral.cloud.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * An OAuth client made with {@code corral-cloud client create}, as the {@link UserStore} keeps it: everything but
 * its secret, of which only an Argon2id hash is stored.
 *
 * @param id      what the client sends as {@code client_id}
 * @param owner   the owner whose tokens a {@code client_credentials} grant issues; null when the client may
 *                only be used for password logins
 * @param created when it was created
 */
public record OAuthClient(String id, String owner, Instant created) {
    public OAuthClient {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(created, "created");
    }
}
