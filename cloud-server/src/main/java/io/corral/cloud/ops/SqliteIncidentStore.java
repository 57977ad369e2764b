package io.corral.cloud.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Incidents in SQLite: {@code ops.db} in the data directory (WAL mode), so history survives restarts and can be
 * read with {@code sqlite3}. One connection behind a lock: incidents change a few times a day.
 */
public final class SqliteIncidentStore implements IncidentStore {
    /** The file name in the data directory. */
    public static final String FILE_NAME = "ops.db";
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    private SqliteIncidentStore(Connection connection) {
        this.connection = connection;
    }

    /** Opens (creating if needed) {@value #FILE_NAME} in {@code dataDir}. */
    public static SqliteIncidentStore open(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            return create("jdbc:sqlite:" + dataDir.resolve(FILE_NAME));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create the data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** An in-memory store, for a cloud without a data directory. */
    public static SqliteIncidentStore inMemory() {
        return create("jdbc:sqlite::memory:");
    }

    private static SqliteIncidentStore create(String url) {
        try {
            Connection c = DriverManager.getConnection(url);
            try (Statement s = c.createStatement()) {
                if (!url.endsWith(":memory:")) {
                    s.execute("PRAGMA journal_mode=WAL");
                }
                s.execute("PRAGMA foreign_keys=ON");
                s.execute("CREATE TABLE IF NOT EXISTS incidents (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " rule TEXT NOT NULL, component TEXT NOT NULL, severity TEXT NOT NULL, title TEXT NOT NULL,"
                        + " opened_at INTEGER NOT NULL, resolved_at INTEGER)");
                s.execute("CREATE TABLE IF NOT EXISTS incident_updates (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,"
                        + " at INTEGER NOT NULL, status TEXT NOT NULL, message TEXT NOT NULL)");
                s.execute("CREATE INDEX IF NOT EXISTS incident_updates_by_incident ON incident_updates(incident_id)");
                s.execute("CREATE INDEX IF NOT EXISTS incidents_by_opened ON incidents(opened_at)");
            }
            return new SqliteIncidentStore(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the incident store " + url + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long open(RuleId rule, Component component, Severity severity, String title, String message, Instant at) {
        lock.lock();
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO incidents (rule, component,"
                + " severity, title, opened_at) VALUES (?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, rule.name());
            insert.setString(2, component.name());
            insert.setString(3, severity.name());
            insert.setString(4, title);
            insert.setLong(5, at.toEpochMilli());
            insert.executeUpdate();
            long id;
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
            addUpdate(id, "investigating", message, at);
            return id;
        } catch (SQLException e) {
            throw failed("open an incident", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void update(long id, String message, Instant at) {
        lock.lock();
        try {
            addUpdate(id, "update", message, at);
        } catch (SQLException e) {
            throw failed("update incident " + id, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resolve(long id, String message, Instant at) {
        lock.lock();
        try (PreparedStatement s = connection.prepareStatement(
                "UPDATE incidents SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL")) {
            s.setLong(1, at.toEpochMilli());
            s.setLong(2, id);
            if (s.executeUpdate() > 0) {
                addUpdate(id, "resolved", message, at);
            }
        } catch (SQLException e) {
            throw failed("resolve incident " + id, e);
        } finally {
            lock.unlock();
        }
    }

    private void addUpdate(long id, String status, String message, Instant at) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(
                "INSERT INTO incident_updates (incident_id, at, status, message) VALUES (?, ?, ?, ?)")) {
            s.setLong(1, id);
            s.setLong(2, at.toEpochMilli());
            s.setString(3, status);
            s.setString(4, message);
            s.executeUpdate();
        }
    }

    @Override
    public List<Incident> openIncidents() {
        return query("resolved_at IS NULL", 0);
    }

    @Override
    public List<Incident> since(Instant since) {
        return query("(opened_at >= ? OR resolved_at IS NULL OR resolved_at >= ?)", since.toEpochMilli());
    }

    private List<Incident> query(String where, long param) {
        lock.lock();
        try (PreparedStatement s = connection.prepareStatement("SELECT id, rule, component, severity, title,"
                + " opened_at, resolved_at FROM incidents WHERE " + where + " ORDER BY opened_at DESC, id DESC")) {
            if (where.contains("?")) {
                s.setLong(1, param);
                s.setLong(2, param);
            }
            Map<Long, Object[]> rows = new LinkedHashMap<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Object resolved = r.getObject(7);
                    rows.put(r.getLong(1), new Object[] {RuleId.valueOf(r.getString(2)),
                            Component.valueOf(r.getString(3)), Severity.valueOf(r.getString(4)), r.getString(5),
                            Instant.ofEpochMilli(r.getLong(6)),
                            resolved == null ? null : Instant.ofEpochMilli(((Number) resolved).longValue())});
                }
            }
            List<Incident> incidents = new ArrayList<>();
            for (Map.Entry<Long, Object[]> row : rows.entrySet()) {
                Object[] v = row.getValue();
                incidents.add(new Incident(row.getKey(), (RuleId) v[0], (Component) v[1], (Severity) v[2],
                        (String) v[3], (Instant) v[4], (Instant) v[5], timeline(row.getKey())));
            }
            return incidents;
        } catch (SQLException e) {
            throw failed("read incidents", e);
        } finally {
            lock.unlock();
        }
    }

    private List<Incident.Update> timeline(long id) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT at, status, message FROM incident_updates WHERE incident_id = ? ORDER BY at, id")) {
            s.setLong(1, id);
            List<Incident.Update> updates = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    updates.add(new Incident.Update(Instant.ofEpochMilli(r.getLong(1)), r.getString(2),
                            r.getString(3)));
                }
            }
            return updates;
        }
    }

    @Override
    public int prune(Instant before) {
        lock.lock();
        try (PreparedStatement s = connection.prepareStatement(
                "DELETE FROM incidents WHERE resolved_at IS NOT NULL AND resolved_at < ?")) {
            s.setLong(1, before.toEpochMilli());
            return s.executeUpdate();
        } catch (SQLException e) {
            throw failed("prune incidents", e);
        } finally {
            lock.unlock();
        }
    }

    private static IllegalStateException failed(String what, SQLException e) {
        return new IllegalStateException("incident store: cannot " + what + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            // Closing; nothing left to do with it.
        } finally {
            lock.unlock();
        }
    }
}
