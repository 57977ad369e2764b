package io.corral.cloud.storage.memory;

import io.corral.cloud.registry.AccessToken;
import io.corral.cloud.registry.RegistryInputs;
import io.corral.cloud.registry.TokenSecrets;
import io.corral.cloud.registry.TokenStore;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link TokenStore} of {@link MemoryStorage}. Like the SQLite store it keeps only each token's SHA-256
 * ({@link TokenSecrets}), so not even a heap dump holds a usable token. One lock: token checks are map lookups.
 */
final class MemoryTokenStore implements TokenStore {
    private final Set<String> owners;
    private final Guard guard = new Guard(() -> new IllegalStateException("token store memory is closed"));
    /** By id, in creation order. */
    private final Map<String, AccessToken> byId = new LinkedHashMap<>();
    private final Map<ByteBuffer, String> idByHash = new HashMap<>();

    /** @param owners shared with the registry: creating a token creates its owner */
    MemoryTokenStore(Set<String> owners) {
        this.owners = owners;
    }

    @Override
    public Issued create(String owner, boolean admin, Instant expiresAt, String client) {
        RegistryInputs.owner(owner);
        Instant now = MemoryStorage.now();
        RegistryInputs.tokenExpiry(expiresAt, now);
        String token = TokenSecrets.newToken();
        AccessToken record = new AccessToken(TokenSecrets.newId(), owner, admin, now,
                expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MILLIS), null, null, client);
        guard.run(() -> {
            owners.add(owner);
            byId.put(record.id(), record);
            idByHash.put(ByteBuffer.wrap(TokenSecrets.sha256(token)), record.id());
        });
        return new Issued(token, record);
    }

    @Override
    public Optional<AccessToken> use(String token, Instant now) {
        Objects.requireNonNull(now, "now");
        if (!TokenSecrets.wellFormed(token)) {
            return Optional.empty();
        }
        ByteBuffer hash = ByteBuffer.wrap(TokenSecrets.sha256(token));
        return guard.get(() -> {
            String id = idByHash.get(hash);
            if (id == null) {
                return Optional.empty();
            }
            AccessToken found = byId.get(id);
            if (found.stateAt(now) == AccessToken.State.ACTIVE
                    && (found.lastUsed() == null || !found.lastUsed().plus(LAST_USED_RESOLUTION).isAfter(now))) {
                // As in SQLite: the caller sees the record as it was before this use.
                byId.put(id, withLastUsed(found, now.truncatedTo(ChronoUnit.MILLIS)));
            }
            return Optional.of(found);
        });
    }

    @Override
    public Optional<AccessToken> findById(String id) {
        return id == null ? Optional.empty() : guard.get(() -> Optional.ofNullable(byId.get(id)));
    }

    @Override
    public List<AccessToken> listByOwner(String owner) {
        RegistryInputs.owner(owner);
        return guard.get(() -> byId.values().stream().filter(t -> t.owner().equals(owner)).toList());
    }

    @Override
    public List<AccessToken> listAll() {
        return guard.get(() -> List.copyOf(byId.values()));
    }

    @Override
    public AccessToken revoke(String id) {
        Objects.requireNonNull(id, "id");
        return guard.get(() -> {
            AccessToken token = byId.get(id);
            if (token == null) {
                throw RegistryInputs.noSuchToken(id);
            }
            if (token.revokedAt() == null) {
                token = new AccessToken(token.id(), token.owner(), token.admin(), token.created(), token.expiresAt(),
                        token.lastUsed(), MemoryStorage.now(), token.client());
                byId.put(id, token);
            }
            return token;
        });
    }

    /** Refuses every later call. Idempotent. */
    @Override
    public void close() {
        guard.close();
    }

    private static AccessToken withLastUsed(AccessToken t, Instant at) {
        return new AccessToken(t.id(), t.owner(), t.admin(), t.created(), t.expiresAt(), at, t.revokedAt(),
                t.client());
    }
}
