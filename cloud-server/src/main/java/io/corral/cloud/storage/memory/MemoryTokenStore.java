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
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link TokenStore} of {@link MemoryStorage}. Like the SQLite store it keeps only each token's SHA-256
 * ({@link TokenSecrets}), so not even a heap dump holds a usable token. One lock: token checks are map lookups.
 */
final class MemoryTokenStore implements TokenStore {
    private final Set<String> owners;
    private final ReentrantLock lock = new ReentrantLock();
    /** By id, in creation order. */
    private final Map<String, AccessToken> byId = new LinkedHashMap<>();
    private final Map<ByteBuffer, String> idByHash = new HashMap<>();
    private boolean closed;

    /** @param owners shared with the registry: creating a token creates its owner */
    MemoryTokenStore(Set<String> owners) {
        this.owners = owners;
    }

    @Override
    public Issued create(String owner, boolean admin, Instant expiresAt) {
        RegistryInputs.owner(owner);
        Instant now = MemoryStorage.now();
        RegistryInputs.tokenExpiry(expiresAt, now);
        String token = TokenSecrets.newToken();
        AccessToken record = new AccessToken(TokenSecrets.newId(), owner, admin, now,
                expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MILLIS), null, null);
        lock.lock();
        try {
            requireOpen();
            owners.add(owner);
            byId.put(record.id(), record);
            idByHash.put(ByteBuffer.wrap(TokenSecrets.sha256(token)), record.id());
        } finally {
            lock.unlock();
        }
        return new Issued(token, record);
    }

    @Override
    public Optional<AccessToken> use(String token, Instant now) {
        Objects.requireNonNull(now, "now");
        if (!TokenSecrets.wellFormed(token)) {
            return Optional.empty();
        }
        ByteBuffer hash = ByteBuffer.wrap(TokenSecrets.sha256(token));
        lock.lock();
        try {
            requireOpen();
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
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<AccessToken> findById(String id) {
        if (id == null) {
            return Optional.empty();
        }
        lock.lock();
        try {
            requireOpen();
            return Optional.ofNullable(byId.get(id));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<AccessToken> listByOwner(String owner) {
        RegistryInputs.owner(owner);
        return list(owner);
    }

    @Override
    public List<AccessToken> listAll() {
        return list(null);
    }

    private List<AccessToken> list(String owner) {
        lock.lock();
        try {
            requireOpen();
            return byId.values().stream().filter(t -> owner == null || t.owner().equals(owner)).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public AccessToken revoke(String id) {
        Objects.requireNonNull(id, "id");
        lock.lock();
        try {
            requireOpen();
            AccessToken token = byId.get(id);
            if (token == null) {
                throw RegistryInputs.noSuchToken(id);
            }
            if (token.revokedAt() == null) {
                token = new AccessToken(token.id(), token.owner(), token.admin(), token.created(), token.expiresAt(),
                        token.lastUsed(), MemoryStorage.now());
                byId.put(id, token);
            }
            return token;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses every later call. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("token store memory is closed");
        }
    }

    private static AccessToken withLastUsed(AccessToken t, Instant at) {
        return new AccessToken(t.id(), t.owner(), t.admin(), t.created(), t.expiresAt(), at, t.revokedAt());
    }
}
