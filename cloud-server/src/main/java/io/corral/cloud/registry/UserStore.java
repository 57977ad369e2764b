package io.corral.cloud.registry;

import java.util.List;
import java.util.Optional;

/**
 * Login credentials: users (a password for an owner name) and OAuth clients (a secret for a client id), both
 * checked by {@code POST /oauth/token} and both kept only as Argon2id hashes ({@link PasswordHashes}), so neither
 * a password nor a secret can be read back. A user's name is an owner name: creating a user creates the owner
 * (shared with the {@link DeviceRegistry} and {@link TokenStore}) if needed. Implementations are thread-safe.
 *
 * <pre>{@code
 * UserStore users = storage.users();
 * users.create("alice", "correct horse battery");
 * users.authenticate("alice", "correct horse battery");   // Optional[User[username=alice, ...]]
 * users.createClient("ci-bot", TokenSecrets.newToken(), "alice");
 * }</pre>
 *
 * <p>Input rules ({@link RegistryInputs}): usernames are owner names (1..64 of {@code [A-Za-z0-9._@-]});
 * passwords are {@value RegistryInputs#MIN_PASSWORD_LENGTH}..{@value RegistryInputs#MAX_PASSWORD_LENGTH}
 * characters; client ids 1..64 of {@code [A-Za-z0-9._-]}; client secrets at least
 * {@value RegistryInputs#MIN_CLIENT_SECRET_LENGTH} characters.
 */
public interface UserStore extends AutoCloseable {

    /**
     * Creates a user, and its owner if needed.
     *
     * @throws RegistryException INVALID_INPUT naming a bad username or password; CONFLICT if the user exists
     */
    User create(String username, String password);

    /**
     * Sets a new password.
     *
     * @throws RegistryException INVALID_INPUT for a bad password; NOT_FOUND if there is no such user
     */
    User setPassword(String username, String password);

    /**
     * Deletes the user's login; the owner, its devices and its tokens stay.
     *
     * @throws RegistryException NOT_FOUND if there is no such user
     */
    User delete(String username);

    /** The user of this name; empty for an unknown or malformed name. */
    Optional<User> find(String username);

    /** Every user, by name. */
    List<User> list();

    /**
     * The user, if {@code password} is theirs. An unknown user costs as long as a wrong password, so timing does
     * not tell which names exist.
     */
    Optional<User> authenticate(String username, String password);

    /**
     * Creates an OAuth client.
     *
     * @param owner the owner of the tokens its {@code client_credentials} grant issues (created if needed); null
     *              for none
     * @throws RegistryException INVALID_INPUT naming a bad id, secret or owner; CONFLICT if the id is taken
     */
    OAuthClient createClient(String id, String secret, String owner);

    /**
     * Deletes an OAuth client.
     *
     * @throws RegistryException NOT_FOUND if there is no such client
     */
    OAuthClient deleteClient(String id);

    /** The client with this id; empty for an unknown or malformed id. */
    Optional<OAuthClient> findClient(String id);

    /** Every client, by id. */
    List<OAuthClient> listClients();

    /** The client, if {@code secret} is its secret; an unknown id costs as long as a wrong secret. */
    Optional<OAuthClient> authenticateClient(String id, String secret);

    @Override
    void close();
}
