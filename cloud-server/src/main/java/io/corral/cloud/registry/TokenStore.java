package io.corral.cloud.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * API access tokens: each belongs to one owner, may expire, may carry the admin scope, and can be revoked. A token
 * is 32 random bytes as base64url without padding (43 characters); the store keeps only its SHA-256, so the
 * token is shown once, when it is created, and never again. Implementations are thread-safe.
 *
 * <pre>{@code
 * try (TokenStore tokens = SqliteTokenStore.open(Path.of("data"))) {
 *     TokenStore.Issued issued = tokens.create("alice", false, Instant.now().plus(Duration.ofDays(30)));
 *     System.out.println("Authorization: Bearer " + issued.token());
 *     tokens.use(issued.token(), Instant.now()).map(t -> t.stateAt(Instant.now()));   // ACTIVE
 *     tokens.revoke(issued.record().id());
 * }
 * }</pre>
 *
 * <p>The embedded implementation is {@link SqliteTokenStore}, in the registry's database file.
 */
public interface TokenStore extends AutoCloseable {

    /** Last-used times are written at most this often per token, so that busy tokens do not write on every request. */
    Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    /** A newly created token: the token text, which exists nowhere else, and its stored record. */
    record Issued(String token, AccessToken record) {
        @Override
        public String toString() {
            // Never print the secret.
            return "Issued[" + record + "]";
        }
    }

    /**
     * Creates a token for {@code owner}, creating the owner if it does not exist yet.
     *
     * @param expiresAt when the token stops working, which must be in the future; null for never
     * @throws RegistryException INVALID_INPUT naming the bad owner name or expiry
     */
    default Issued create(String owner, boolean admin, Instant expiresAt) {
        return create(owner, admin, expiresAt, null);
    }

    /**
     * As {@link #create(String, boolean, Instant)}, for a login: the token records the OAuth client it was issued
     * to ({@link AccessToken#client()}).
     *
     * @param client the client id; null for none
     */
    Issued create(String owner, boolean admin, Instant expiresAt, String client);

    /**
     * Looks a presented token up and, when it is {@linkplain AccessToken.State#ACTIVE active} at {@code now},
     * records the use. Returns the record in whatever state it is, so that callers can say why a token is refused;
     * empty if the text is not a token this store issued.
     */
    Optional<AccessToken> use(String token, Instant now);

    /** The token with this id, in any state. */
    Optional<AccessToken> findById(String id);

    /** The owner's tokens, in any state, oldest first; empty for an unknown owner. */
    List<AccessToken> listByOwner(String owner);

    /** Every token of every owner, oldest first. */
    List<AccessToken> listAll();

    /**
     * Revokes the token; from then on {@link #use} reports it as {@link AccessToken.State#REVOKED}. Revoking a
     * revoked token changes nothing.
     *
     * @return the record as revoked
     * @throws RegistryException NOT_FOUND if no token has this id
     */
    AccessToken revoke(String id);

    @Override
    void close();
}
