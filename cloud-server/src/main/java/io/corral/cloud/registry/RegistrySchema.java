package io.corral.cloud.registry;

import io.corral.cloud.registry.RegistryException.Reason;
import io.corral.cloud.sqlite.SqliteFiles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The registry's tables and their migrations. Version n of the schema is reached by running the first n
 * entries of {@link #MIGRATIONS} in order; a database records its version in {@code schema_version}, so a
 * newer build upgrades an older file in place and an older build refuses a newer file instead of corrupting it.
 */
final class RegistrySchema {

    /** Append only: never edit a migration that has shipped, add the next one. */
    static final List<List<String>> MIGRATIONS = List.of(
            List.of(
                    // Times are Unix epoch milliseconds: compact, ordered, and readable in sqlite3 with
                    // datetime(created / 1000, 'unixepoch').
                    "CREATE TABLE owners (name TEXT PRIMARY KEY, created INTEGER NOT NULL)",
                    """
                    CREATE TABLE devices (
                      id TEXT PRIMARY KEY,
                      owner TEXT NOT NULL REFERENCES owners (name),
                      name TEXT,
                      credential_type TEXT NOT NULL CHECK (credential_type IN ('RPK', 'PSK')),
                      public_key BLOB,
                      psk TEXT,
                      created INTEGER NOT NULL,
                      last_seen INTEGER,
                      CHECK ((credential_type = 'RPK' AND public_key IS NOT NULL AND psk IS NULL)
                          OR (credential_type = 'PSK' AND psk IS NOT NULL AND public_key IS NULL))
                    )""",
                    // The RPK handshake looks devices up by key; PSK devices have NULL here, which UNIQUE allows.
                    "CREATE UNIQUE INDEX devices_by_public_key ON devices (public_key)",
                    "CREATE INDEX devices_by_owner ON devices (owner, created)",
                    // One row at most: the cloud has exactly one identity.
                    """
                    CREATE TABLE cloud_keys (
                      id INTEGER PRIMARY KEY CHECK (id = 1),
                      private BLOB NOT NULL,
                      public BLOB NOT NULL,
                      created INTEGER NOT NULL
                    )"""),
            List.of(
                    // API access tokens. Only the SHA-256 of a token is stored: the token is 256 random bits, so
                    // the hash cannot be reversed or guessed, and a copy of the file grants no access.
                    """
                    CREATE TABLE access_tokens (
                      id TEXT PRIMARY KEY,
                      sha256 BLOB NOT NULL UNIQUE,
                      owner TEXT NOT NULL REFERENCES owners (name),
                      admin INTEGER NOT NULL CHECK (admin IN (0, 1)),
                      created INTEGER NOT NULL,
                      expires INTEGER,
                      last_used INTEGER,
                      revoked INTEGER
                    )""",
                    "CREATE INDEX access_tokens_by_owner ON access_tokens (owner, created)"),
            List.of(
                    // Logins. Passwords and client secrets are Argon2id hashes in PHC format, parameters included.
                    """
                    CREATE TABLE users (
                      name TEXT PRIMARY KEY REFERENCES owners (name),
                      password TEXT NOT NULL,
                      created INTEGER NOT NULL,
                      password_changed INTEGER NOT NULL
                    )""",
                    """
                    CREATE TABLE oauth_clients (
                      id TEXT PRIMARY KEY,
                      secret TEXT NOT NULL,
                      owner TEXT REFERENCES owners (name),
                      created INTEGER NOT NULL
                    )""",
                    // The OAuth client a login token was issued to; NULL for tokens made otherwise.
                    "ALTER TABLE access_tokens ADD COLUMN client TEXT"));

    static final int LATEST_VERSION = MIGRATIONS.size();

    private RegistrySchema() {
    }

    /**
     * Brings the database up to {@link #LATEST_VERSION} in one transaction; returns the version found before.
     * The transaction is BEGIN IMMEDIATE, so two processes that open a fresh data dir at once take turns, and
     * the second finds the schema already in place.
     */
    static int migrate(Connection connection, Path file) throws SQLException {
        try {
            return SqliteFiles.migrate(connection, MIGRATIONS);
        } catch (SqliteFiles.SchemaTooNewException e) {
            throw new RegistryException(Reason.STORAGE, file + " has schema version " + e.found()
                    + ", newer than this build understands (" + LATEST_VERSION + "); use a newer corral-cloud");
        }
    }
}
