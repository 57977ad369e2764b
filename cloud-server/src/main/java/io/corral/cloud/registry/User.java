package io.corral.cloud.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * A user who can log in ({@code POST /oauth/token}) as the owner of the same name, as the {@link UserStore} keeps
 * it: everything but the password, of which only an Argon2id hash is stored.
 *
 * @param username        the owner name the user logs in as
 * @param created         when the user was created
 * @param passwordChanged when the password was last set (at creation, or by {@code user passwd})
 */
public record User(String username, Instant created, Instant passwordChanged) {
    public User {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(passwordChanged, "passwordChanged");
    }
}
