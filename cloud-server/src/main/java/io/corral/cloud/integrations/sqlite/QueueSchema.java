package io.corral.cloud.integrations.sqlite;

import io.corral.cloud.integrations.IntegrationException.Reason;
import io.corral.cloud.integrations.IntegrationException;
import java.nio.file.Path;
import io.corral.cloud.sqlite.SqliteFiles;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Tables of {@code integrations.db} and their migrations: version n is reached by running the first n entries of
 * {@link #MIGRATIONS}. Append only: never edit a migration that has shipped. Times are Unix epoch milliseconds.
 */
final class QueueSchema {

    static final List<List<String>> MIGRATIONS = List.of(List.of(
            """
            CREATE TABLE integrations (
              id TEXT PRIMARY KEY,
              owner TEXT NOT NULL,
              type TEXT NOT NULL CHECK (type IN ('webhook', 'mqtt')),
              spec TEXT NOT NULL,
              paused INTEGER NOT NULL DEFAULT 0,
              version INTEGER NOT NULL,
              created INTEGER NOT NULL,
              updated INTEGER NOT NULL
            )""",
            "CREATE INDEX integrations_by_owner ON integrations (owner, created)",
            // Bumped by every integration change, so every process can tell cheaply that its cache is stale.
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
            "INSERT INTO meta (key, value) VALUES ('integrations_changed', 0)",
            // An event is stored once, however many integrations it goes to.
            """
            CREATE TABLE events (
              id TEXT PRIMARY KEY,
              name TEXT NOT NULL,
              data BLOB NOT NULL,
              content_format INTEGER NOT NULL,
              ttl INTEGER NOT NULL,
              published_at INTEGER NOT NULL,
              device_id TEXT NOT NULL,
              owner TEXT NOT NULL
            )""",
            // next_at is when the delivery is due; while it is leased, when the lease ends. One index then finds
            // both due deliveries and lapsed leases.
            """
            CREATE TABLE deliveries (
              id INTEGER PRIMARY KEY,
              event_id TEXT NOT NULL REFERENCES events (id),
              integration_id TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
              state TEXT NOT NULL CHECK (state IN ('pending', 'paused', 'dead')),
              next_at INTEGER NOT NULL,
              lease_owner TEXT,
              failures INTEGER NOT NULL DEFAULT 0,
              first_failure_at INTEGER,
              last_error TEXT,
              last_status INTEGER,
              queued_at INTEGER NOT NULL,
              dead_at INTEGER
            )""",
            "CREATE INDEX deliveries_due ON deliveries (next_at) WHERE state = 'pending'",
            "CREATE INDEX deliveries_by_event ON deliveries (event_id)",
            // Small: only deliveries held right now. Finds the leases of a dead worker without a scan.
            "CREATE INDEX deliveries_leased ON deliveries (lease_owner) WHERE lease_owner IS NOT NULL",
            "CREATE INDEX deliveries_by_integration ON deliveries (integration_id, state)",
            """
            CREATE TABLE attempts (
              id INTEGER PRIMARY KEY,
              integration_id TEXT NOT NULL,
              delivery_id INTEGER NOT NULL,
              event_id TEXT NOT NULL,
              attempt INTEGER NOT NULL,
              at INTEGER NOT NULL,
              outcome TEXT NOT NULL,
              status INTEGER,
              latency_ms INTEGER NOT NULL,
              error TEXT,
              worker TEXT
            )""",
            "CREATE INDEX attempts_by_integration ON attempts (integration_id, id)",
            // Events that a worker in another process wants on the cloud's bus (hook-sent, hook-response, ...).
            """
            CREATE TABLE outbox (
              seq INTEGER PRIMARY KEY,
              id TEXT NOT NULL,
              name TEXT NOT NULL,
              data BLOB NOT NULL,
              content_format INTEGER NOT NULL,
              ttl INTEGER NOT NULL,
              published_at INTEGER NOT NULL,
              device_id TEXT NOT NULL,
              owner TEXT NOT NULL
            )"""));

    static final int LATEST_VERSION = MIGRATIONS.size();

    private QueueSchema() {
    }

    /** Brings the database to {@link #LATEST_VERSION}; returns the version found. */
    static int migrate(Connection connection, Path file) throws SQLException {
        try {
            return SqliteFiles.migrate(connection, MIGRATIONS);
        } catch (SqliteFiles.SchemaTooNewException e) {
            throw new IntegrationException(Reason.STORAGE, file + " has schema version " + e.found()
                    + ", newer than this build understands (" + LATEST_VERSION + "); use a newer corral-cloud");
        }
    }
}
