package io.corral.cloud.integrations.sqlite;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.IntegrationException.Reason;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.IntegrationJson;
import io.corral.cloud.integrations.model.IntegrationSpec;
import io.corral.cloud.integrations.store.IntegrationStore;
import io.corral.cloud.integrations.store.IntegrationStoreRules;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@link IntegrationStore} of {@link SqliteIntegrationDatabase}. The spec is stored as the JSON of
 * {@link IntegrationJson}, with its passwords (the file is readable by its owner only); every change bumps the
 * shared change counter so caches in this and other processes notice.
 */
final class SqliteIntegrationStore implements IntegrationStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "id, owner, spec, paused, version, created, updated";

    private final SqliteIntegrationDatabase db;

    SqliteIntegrationStore(SqliteIntegrationDatabase db) {
        this.db = db;
    }

    @Override
    public Integration create(String owner, IntegrationSpec spec) {
        IntegrationStoreRules.owner(owner);
        String id = IntegrationStoreRules.newId();
        IntegrationSpec stored = spec.storedFor(id, null);
        Instant now = db.now();
        Integration integration = new Integration(id, owner, stored, false, 1, now, now);
        db.writeAndWait(c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO integrations (id, owner, type, spec, paused,"
                    + " version, created, updated) VALUES (?, ?, ?, ?, 0, 1, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, owner);
                insert.setString(3, stored.target().type());
                insert.setString(4, specText(stored));
                insert.setLong(5, now.toEpochMilli());
                insert.setLong(6, now.toEpochMilli());
                insert.executeUpdate();
            }
            bumpChanges(c);
            return null;
        });
        return integration;
    }

    @Override
    public Integration update(String id, IntegrationSpec spec) {
        Integration current = find(id).orElseThrow(() -> notFound(id));
        // What the target derives from the integration (an MQTT client id) stays what it has been using.
        IntegrationSpec finalSpec = spec.storedFor(id, current.spec());
        Instant now = db.now();
        int changed = db.writeAndWait(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE integrations SET type = ?, spec = ?,"
                    + " version = version + 1, updated = ? WHERE id = ?")) {
                update.setString(1, finalSpec.target().type());
                update.setString(2, specText(finalSpec));
                update.setLong(3, now.toEpochMilli());
                update.setString(4, id);
                int rows = update.executeUpdate();
                bumpChanges(c);
                return rows;
            }
        });
        if (changed == 0) {
            throw notFound(id);
        }
        return find(id).orElseThrow(() -> notFound(id));
    }

    @Override
    public void delete(String id) {
        int deleted = db.writeAndWait(c -> {
            int rows;
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM integrations WHERE id = ?")) {
                delete.setString(1, id);
                rows = delete.executeUpdate();
            }
            if (rows > 0) {
                // The cascade removed its deliveries; events no other delivery needs go too.
                try (PreparedStatement orphans = c.prepareStatement("DELETE FROM events WHERE NOT EXISTS"
                        + " (SELECT 1 FROM deliveries WHERE event_id = events.id)")) {
                    orphans.executeUpdate();
                }
                try (PreparedStatement attempts = c.prepareStatement("DELETE FROM attempts WHERE integration_id = ?")) {
                    attempts.setString(1, id);
                    attempts.executeUpdate();
                }
                bumpChanges(c);
            }
            return rows;
        });
        if (deleted == 0) {
            throw notFound(id);
        }
    }

    @Override
    public Optional<Integration> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM integrations WHERE id = ?")) {
                select.setString(1, id);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(readIntegration(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<Integration> list(String owner) {
        return query("SELECT " + COLUMNS + " FROM integrations WHERE owner = ? ORDER BY created, id", owner);
    }

    @Override
    public List<Integration> listAll() {
        return query("SELECT " + COLUMNS + " FROM integrations ORDER BY created, id", null);
    }

    @Override
    public Integration setPaused(String id, boolean paused) {
        Instant now = db.now();
        int changed = db.writeAndWait(c -> {
            int rows;
            try (PreparedStatement update = c.prepareStatement("UPDATE integrations SET paused = ?,"
                    + " version = version + 1, updated = ? WHERE id = ?")) {
                update.setInt(1, paused ? 1 : 0);
                update.setLong(2, now.toEpochMilli());
                update.setString(3, id);
                rows = update.executeUpdate();
            }
            if (rows == 0) {
                return 0;
            }
            // Move the queued deliveries in the same transaction, so no worker leases one of a paused integration.
            try (PreparedStatement move = c.prepareStatement("UPDATE deliveries SET state = ? WHERE integration_id = ?"
                    + " AND state = ?")) {
                move.setString(1, paused ? "paused" : "pending");
                move.setString(2, id);
                move.setString(3, paused ? "pending" : "paused");
                if (move.executeUpdate() > 0 && !paused) {
                    db.markDeliveriesAdded();
                }
            }
            bumpChanges(c);
            return rows;
        });
        if (changed == 0) {
            throw notFound(id);
        }
        return find(id).orElseThrow(() -> notFound(id));
    }

    @Override
    public long changeCount() {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT value FROM meta WHERE key = 'integrations_changed'");
                 ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    private List<Integration> query(String sql, String owner) {
        return db.read(c -> {
            List<Integration> found = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement(sql)) {
                if (owner != null) {
                    select.setString(1, owner);
                }
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        found.add(readIntegration(rs));
                    }
                }
            }
            return List.copyOf(found);
        });
    }

    private static void bumpChanges(Connection c) throws SQLException {
        try (PreparedStatement bump = c.prepareStatement("UPDATE meta SET value = value + 1"
                + " WHERE key = 'integrations_changed'")) {
            bump.executeUpdate();
        }
    }

    private static Integration readIntegration(ResultSet rs) throws SQLException {
        IntegrationSpec spec;
        try {
            spec = IntegrationJson.parseSpec(JSON.readTree(rs.getString("spec")), null);
        } catch (IOException | IntegrationException e) {
            throw new IntegrationException(Reason.STORAGE, "integration " + rs.getString("id")
                    + " has a stored spec this build cannot read: " + e.getMessage(), e);
        }
        return new Integration(rs.getString("id"), rs.getString("owner"), spec, rs.getInt("paused") != 0,
                rs.getLong("version"), Instant.ofEpochMilli(rs.getLong("created")),
                Instant.ofEpochMilli(rs.getLong("updated")));
    }

    private static String specText(IntegrationSpec spec) {
        return IntegrationJson.specJson(spec, false).toString();
    }

    private static IntegrationException notFound(String id) {
        return IntegrationStoreRules.noIntegration(id);
    }
}
