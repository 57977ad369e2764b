package io.corral.cloud.registry;

import io.corral.cloud.registry.RegistryException.Reason;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded {@link UserStore}: tables {@code users} and {@code oauth_clients} in the registry's SQLite file
 * ({@code DATA_DIR/corral.db}), over a connection of its own. Hashing runs outside the connection's lock, so a
 * login that spends tens of milliseconds in Argon2 holds up no other login's lookup. Every check reads the
 * database, so {@code corral-cloud user passwd} next to a running cloud takes effect at the next login.
 */
public final class SqliteUserStore implements UserStore {
    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private SqliteUserStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens the user store of {@code dataDir}, creating what is missing, as {@link SqliteDeviceRegistry#open} does. */
    public static SqliteUserStore open(Path dataDir) {
        SqliteDatabase.Opened opened = SqliteDatabase.open(dataDir);
        return new SqliteUserStore(opened.file(), opened.connection());
    }

    @Override
    public User create(String username, String password) {
        RegistryInputs.username(username);
        String hash = PasswordHashes.hash(RegistryInputs.password(password));
        Instant now = now();
        return write(c -> {
            if (selectUser(c, username) != null) {
                throw RegistryInputs.userExists(username);
            }
            insertOwner(c, username, now);
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO users (name, password, created, password_changed) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, username);
                insert.setString(2, hash);
                insert.setLong(3, now.toEpochMilli());
                insert.setLong(4, now.toEpochMilli());
                insert.executeUpdate();
            }
            return new User(username, now, now);
        });
    }

    @Override
    public User setPassword(String username, String password) {
        RegistryInputs.username(username);
        String hash = PasswordHashes.hash(RegistryInputs.password(password));
        Instant now = now();
        return write(c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE users SET password = ?, password_changed = ? WHERE name = ?")) {
                update.setString(1, hash);
                update.setLong(2, now.toEpochMilli());
                update.setString(3, username);
                if (update.executeUpdate() == 0) {
                    throw RegistryInputs.noSuchUser(username);
                }
            }
            return selectUser(c, username).user();
        });
    }

    @Override
    public User delete(String username) {
        RegistryInputs.username(username);
        return write(c -> {
            Stored<User> found = selectUser(c, username);
            if (found == null) {
                throw RegistryInputs.noSuchUser(username);
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM users WHERE name = ?")) {
                delete.setString(1, username);
                delete.executeUpdate();
            }
            return found.user();
        });
    }

    @Override
    public Optional<User> find(String username) {
        return stored(username).map(Stored::user);
    }

    @Override
    public List<User> list() {
        return read(c -> {
            List<User> users = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT name, password, created, password_changed FROM users ORDER BY name");
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    users.add(readUser(rs).user());
                }
            }
            return List.copyOf(users);
        });
    }

    @Override
    public Optional<User> authenticate(String username, String password) {
        Optional<Stored<User>> found = stored(username);
        // Verify even when there is no such user, against a dummy hash: the same time either way.
        boolean ok = PasswordHashes.verify(password, found.map(Stored::hash).orElse(null));
        return ok ? found.map(Stored::user) : Optional.empty();
    }

    @Override
    public OAuthClient createClient(String id, String secret, String owner) {
        RegistryInputs.clientId(id);
        String hash = PasswordHashes.hash(RegistryInputs.clientSecret(secret));
        if (owner != null) {
            RegistryInputs.owner(owner);
        }
        Instant now = now();
        return write(c -> {
            if (selectClient(c, id) != null) {
                throw RegistryInputs.clientExists(id);
            }
            if (owner != null) {
                insertOwner(c, owner, now);
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO oauth_clients (id, secret, owner, created) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, hash);
                insert.setString(3, owner);
                insert.setLong(4, now.toEpochMilli());
                insert.executeUpdate();
            }
            return new OAuthClient(id, owner, now);
        });
    }

    @Override
    public OAuthClient deleteClient(String id) {
        RegistryInputs.clientId(id);
        return write(c -> {
            Stored<OAuthClient> found = selectClient(c, id);
            if (found == null) {
                throw RegistryInputs.noSuchClient(id);
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM oauth_clients WHERE id = ?")) {
                delete.setString(1, id);
                delete.executeUpdate();
            }
            return found.user();
        });
    }

    @Override
    public Optional<OAuthClient> findClient(String id) {
        return storedClient(id).map(Stored::user);
    }

    @Override
    public List<OAuthClient> listClients() {
        return read(c -> {
            List<OAuthClient> clients = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT id, secret, owner, created FROM oauth_clients ORDER BY id");
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    clients.add(readClient(rs).user());
                }
            }
            return List.copyOf(clients);
        });
    }

    @Override
    public Optional<OAuthClient> authenticateClient(String id, String secret) {
        Optional<Stored<OAuthClient>> found = storedClient(id);
        boolean ok = PasswordHashes.verify(secret, found.map(Stored::hash).orElse(null));
        return ok ? found.map(Stored::user) : Optional.empty();
    }

    /** Closes the database connection. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                SqliteDatabase.closeQuietly(connection);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A record and the hash stored with it. */
    private record Stored<T>(T user, String hash) {
    }

    private Optional<Stored<User>> stored(String username) {
        if (!validName(username)) {
            return Optional.empty();
        }
        return Optional.ofNullable(read(c -> selectUser(c, username)));
    }

    private Optional<Stored<OAuthClient>> storedClient(String id) {
        try {
            RegistryInputs.clientId(id);
        } catch (RegistryException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(read(c -> selectClient(c, id)));
    }

    private static boolean validName(String username) {
        try {
            RegistryInputs.username(username);
            return true;
        } catch (RegistryException e) {
            return false;
        }
    }

    private static void insertOwner(Connection c, String owner, Instant now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO owners (name, created) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
            insert.setString(1, owner);
            insert.setLong(2, now.toEpochMilli());
            insert.executeUpdate();
        }
    }

    private static Stored<User> selectUser(Connection c, String username) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT name, password, created, password_changed FROM users WHERE name = ?")) {
            select.setString(1, username);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? readUser(rs) : null;
            }
        }
    }

    private static Stored<User> readUser(ResultSet rs) throws SQLException {
        return new Stored<>(new User(rs.getString("name"), Instant.ofEpochMilli(rs.getLong("created")),
                Instant.ofEpochMilli(rs.getLong("password_changed"))), rs.getString("password"));
    }

    private static Stored<OAuthClient> selectClient(Connection c, String id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT id, secret, owner, created FROM oauth_clients WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? readClient(rs) : null;
            }
        }
    }

    private static Stored<OAuthClient> readClient(ResultSet rs) throws SQLException {
        return new Stored<>(new OAuthClient(rs.getString("id"), rs.getString("owner"),
                Instant.ofEpochMilli(rs.getLong("created"))), rs.getString("secret"));
    }

    private <T> T read(SqlWork<T> work) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("user store " + file + " is closed");
            }
            return work.run(connection);
        } catch (SQLException e) {
            throw new RegistryException(Reason.STORAGE, file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private <T> T write(SqlWork<T> work) {
        return read(c -> SqlWork.inWriteTransaction(c, work));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
