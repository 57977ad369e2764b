package io.corral.cloud.storage.memory;

import io.corral.cloud.registry.OAuthClient;
import io.corral.cloud.registry.PasswordHashes;
import io.corral.cloud.registry.RegistryInputs;
import io.corral.cloud.registry.User;
import io.corral.cloud.registry.UserStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@link UserStore} of {@link MemoryStorage}. Like the SQLite store it keeps only Argon2id hashes, and hashes
 * outside its lock, so one slow login holds up no other.
 */
final class MemoryUserStore implements UserStore {
    private final Set<String> owners;
    private final Guard guard = new Guard(() -> new IllegalStateException("user store memory is closed"));
    /** By name and by id, sorted, as {@link #list()} and {@link #listClients()} answer. */
    private final Map<String, Entry<User>> users = new TreeMap<>();
    private final Map<String, Entry<OAuthClient>> clients = new TreeMap<>();

    private record Entry<T>(T record, String hash) {
    }

    /** @param owners shared with the registry and the token store: creating a user creates its owner */
    MemoryUserStore(Set<String> owners) {
        this.owners = owners;
    }

    @Override
    public User create(String username, String password) {
        RegistryInputs.username(username);
        String hash = PasswordHashes.hash(RegistryInputs.password(password));
        Instant now = MemoryStorage.now();
        return guard.get(() -> {
            if (users.containsKey(username)) {
                throw RegistryInputs.userExists(username);
            }
            owners.add(username);
            User user = new User(username, now, now);
            users.put(username, new Entry<>(user, hash));
            return user;
        });
    }

    @Override
    public User setPassword(String username, String password) {
        RegistryInputs.username(username);
        String hash = PasswordHashes.hash(RegistryInputs.password(password));
        Instant now = MemoryStorage.now();
        return guard.get(() -> {
            Entry<User> found = users.get(username);
            if (found == null) {
                throw RegistryInputs.noSuchUser(username);
            }
            User changed = new User(username, found.record().created(), now);
            users.put(username, new Entry<>(changed, hash));
            return changed;
        });
    }

    @Override
    public User delete(String username) {
        RegistryInputs.username(username);
        return guard.get(() -> {
            Entry<User> removed = users.remove(username);
            if (removed == null) {
                throw RegistryInputs.noSuchUser(username);
            }
            return removed.record();
        });
    }

    @Override
    public Optional<User> find(String username) {
        return guard.get(() -> Optional.ofNullable(users.get(username)).map(Entry::record));
    }

    @Override
    public List<User> list() {
        return guard.get(() -> users.values().stream().map(Entry::record).toList());
    }

    @Override
    public Optional<User> authenticate(String username, String password) {
        Optional<Entry<User>> found = guard.get(() -> Optional.ofNullable(username == null ? null : users.get(username)));
        boolean ok = PasswordHashes.verify(password, found.map(Entry::hash).orElse(null));
        return ok ? found.map(Entry::record) : Optional.empty();
    }

    @Override
    public OAuthClient createClient(String id, String secret, String owner) {
        RegistryInputs.clientId(id);
        String hash = PasswordHashes.hash(RegistryInputs.clientSecret(secret));
        if (owner != null) {
            RegistryInputs.owner(owner);
        }
        Instant now = MemoryStorage.now();
        return guard.get(() -> {
            if (clients.containsKey(id)) {
                throw RegistryInputs.clientExists(id);
            }
            if (owner != null) {
                owners.add(owner);
            }
            OAuthClient client = new OAuthClient(id, owner, now);
            clients.put(id, new Entry<>(client, hash));
            return client;
        });
    }

    @Override
    public OAuthClient deleteClient(String id) {
        RegistryInputs.clientId(id);
        return guard.get(() -> {
            Entry<OAuthClient> removed = clients.remove(id);
            if (removed == null) {
                throw RegistryInputs.noSuchClient(id);
            }
            return removed.record();
        });
    }

    @Override
    public Optional<OAuthClient> findClient(String id) {
        return guard.get(() -> Optional.ofNullable(id == null ? null : clients.get(id)).map(Entry::record));
    }

    @Override
    public List<OAuthClient> listClients() {
        return guard.get(() -> clients.values().stream().map(Entry::record).toList());
    }

    @Override
    public Optional<OAuthClient> authenticateClient(String id, String secret) {
        Optional<Entry<OAuthClient>> found = guard.get(() -> Optional.ofNullable(id == null ? null : clients.get(id)));
        boolean ok = PasswordHashes.verify(secret, found.map(Entry::hash).orElse(null));
        return ok ? found.map(Entry::record) : Optional.empty();
    }

    /** Refuses every later call. Idempotent. */
    @Override
    public void close() {
        guard.close();
    }
}
