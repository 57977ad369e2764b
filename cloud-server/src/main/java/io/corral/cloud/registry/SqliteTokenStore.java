package io.corral.cloud.registry;

import io.corral.cloud.registry.RegistryException.Reason;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded {@link TokenStore}: table {@code access_tokens} in the registry's SQLite file
 * ({@code DATA_DIR/corral.db}), over its own connection, so token checks never queue behind device lookups.
 *
 * <pre>{@code
 * try (SqliteTokenStore tokens = SqliteTokenStore.open(Path.of("data"))) {
 *     String bearer = tokens.create("alice", false, null).token();
 * }
 * }</pre>
 *
 * <p>Thread-safe: one connection behind a {@link ReentrantLock} (request handlers run on virtual threads). Every
 * {@link #use} reads the database, so a token revoked by another process ({@code corral-cloud token revoke} next to
 * a running cloud) stops working at its next request.
 */
public final class SqliteTokenStore implements TokenStore {
    private static final String COLUMNS = "id, owner, admin, created, expires, last_used, revoked, client";

    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private SqliteTokenStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /**
     * Opens the token store of {@code dataDir}, creating the directory, the database and the schema where missing,
     * exactly as {@link SqliteDeviceRegistry#open} does.
     *
     * @throws RegistryException with reason {@code STORAGE} if the database cannot be used
     */
    public static SqliteTokenStore open(Path dataDir) {
        SqliteDatabase.Opened opened = SqliteDatabase.open(dataDir);
        return new SqliteTokenStore(opened.file(), opened.connection());
    }

    @Override
    public Issued create(String owner, boolean admin, Instant expiresAt, String client) {
        RegistryInputs.owner(owner);
        Instant now = now();
        RegistryInputs.tokenExpiry(expiresAt, now);
        String token = TokenSecrets.newToken();
        AccessToken record = new AccessToken(TokenSecrets.newId(), owner, admin, now,
                expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MILLIS), null, null, client);
        write(c -> {
            try (PreparedStatement insertOwner = c.prepareStatement(
                    "INSERT INTO owners (name, created) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
                insertOwner.setString(1, owner);
                insertOwner.setLong(2, now.toEpochMilli());
                insertOwner.executeUpdate();
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO access_tokens (" + COLUMNS
                    + ", sha256) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, ?)")) {
                insert.setString(1, record.id());
                insert.setString(2, owner);
                insert.setInt(3, admin ? 1 : 0);
                insert.setLong(4, now.toEpochMilli());
                setMillis(insert, 5, record.expiresAt());
                insert.setString(6, client);
                insert.setBytes(7, TokenSecrets.sha256(token));
                insert.executeUpdate();
            }
            return null;
        });
        return new Issued(token, record);
    }

    @Override
    public Optional<AccessToken> use(String token, Instant now) {
        Objects.requireNonNull(now, "now");
        if (!TokenSecrets.wellFormed(token)) {
            return Optional.empty();
        }
        byte[] hash = TokenSecrets.sha256(token);
        Optional<AccessToken> found = Optional.ofNullable(read(c -> selectOne(c, "sha256", hash)));
        found.filter(t -> t.stateAt(now) == AccessToken.State.ACTIVE)
                .filter(t -> t.lastUsed() == null || !t.lastUsed().plus(LAST_USED_RESOLUTION).isAfter(now))
                .ifPresent(t -> recordUse(t.id(), now));
        return found;
    }

    @Override
    public Optional<AccessToken> findById(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(read(c -> selectOne(c, "id", id)));
    }

    @Override
    public List<AccessToken> listByOwner(String owner) {
        RegistryInputs.owner(owner);
        return select("WHERE owner = ?", owner);
    }

    @Override
    public List<AccessToken> listAll() {
        return select("", null);
    }

    @Override
    public AccessToken revoke(String id) {
        Objects.requireNonNull(id, "id");
        return write(c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE access_tokens SET revoked = ? WHERE id = ? AND revoked IS NULL")) {
                update.setLong(1, now().toEpochMilli());
                update.setString(2, id);
                update.executeUpdate();
            }
            AccessToken revoked = selectOne(c, "id", id);
            if (revoked == null) {
                throw RegistryInputs.noSuchToken(id);
            }
            return revoked;
        });
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

    private void recordUse(String id, Instant at) {
        write(c -> {
            // The condition keeps an older time from overwriting a newer one written by a concurrent request.
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE access_tokens SET last_used = ? WHERE id = ? AND (last_used IS NULL OR last_used < ?)")) {
                long millis = at.toEpochMilli();
                update.setLong(1, millis);
                update.setString(2, id);
                update.setLong(3, millis);
                update.executeUpdate();
            }
            return null;
        });
    }

    private List<AccessToken> select(String where, String parameter) {
        return read(c -> {
            List<AccessToken> tokens = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM access_tokens " + where + " ORDER BY created, rowid")) {
                if (parameter != null) {
                    select.setString(1, parameter);
                }
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        tokens.add(readToken(rs));
                    }
                }
            }
            return List.copyOf(tokens);
        });
    }

    private static AccessToken selectOne(Connection c, String column, Object value) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM access_tokens WHERE " + column + " = ?")) {
            select.setObject(1, value);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? readToken(rs) : null;
            }
        }
    }

    private static AccessToken readToken(ResultSet rs) throws SQLException {
        return new AccessToken(rs.getString("id"), rs.getString("owner"), rs.getInt("admin") == 1,
                Instant.ofEpochMilli(rs.getLong("created")), millis(rs, "expires"), millis(rs, "last_used"),
                millis(rs, "revoked"), rs.getString("client"));
    }

    private static Instant millis(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(value);
    }

    private static void setMillis(PreparedStatement statement, int index, Instant at) throws SQLException {
        if (at == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setLong(index, at.toEpochMilli());
        }
    }

    private <T> T read(SqlWork<T> work) {
        lock.lock();
        try {
            requireOpen();
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

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("token store " + file + " is closed");
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
