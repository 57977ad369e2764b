package io.corral.cloud.sqlite;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * What every SQLite file of the cloud needs: created readable by its owner only, and a schema brought up to date
 * by numbered, append-only migrations.
 */
public final class SqliteFiles {
    private SqliteFiles() {
    }

    /**
     * Creates the directory and an empty database file with owner-only permissions where the file system allows
     * it, before SQLite opens the file: they hold keys and credentials, and SQLite gives its {@code -wal} and
     * {@code -shm} files the mode of the database file.
     */
    public static void createPrivately(Path dataDir, Path file) throws IOException {
        boolean posix = dataDir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(dataDir)) {
            if (Files.exists(dataDir)) {
                throw new FileAlreadyExistsException(dataDir + " exists and is not a directory");
            }
            Files.createDirectories(dataDir);
            if (posix) {
                Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
            }
        }
        if (!Files.exists(file)) {
            try {
                if (posix) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } else {
                    Files.createFile(file);
                }
            } catch (FileAlreadyExistsException raced) {
                // Another process created it first; fine.
            }
        }
    }

    /** What the WAL shrinks back to after a checkpoint: a burst must not leave a big file on a small disk. */
    public static final long JOURNAL_SIZE_LIMIT = 4L << 20;

    /** How often the cloud checkpoints its WAL files into their databases and truncates them. */
    public static final java.time.Duration CHECKPOINT_INTERVAL = java.time.Duration.ofSeconds(5);

    /**
     * Copies the WAL into the database and truncates it to zero bytes ({@code wal_checkpoint(TRUNCATE)}). SQLite's
     * own checkpoints are passive and only every few thousand pages, and never shrink the file below the journal
     * size limit; after a disk-full spell the WAL kept what could not be checkpointed and grew again. Cheap when
     * the WAL is small. A checkpoint that a reader or writer holds up is simply tried again next time.
     *
     * @return true if the WAL was fully checkpointed and truncated
     */
    public static boolean checkpoint(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            return rs.next() && rs.getInt(1) == 0;
        }
    }

    /** The schema of the file is newer than this build knows. */
    public static final class SchemaTooNewException extends SQLException {
        private final int found;

        SchemaTooNewException(int found) {
            super("schema version " + found + " is newer than this build understands");
            this.found = found;
        }

        public int found() {
            return found;
        }
    }

    /**
     * Brings a database to version {@code migrations.size()} by running, in order, the migrations it has not had,
     * in one BEGIN IMMEDIATE transaction: two processes opening a fresh file at once take turns, and the second
     * finds the schema in place. The version is kept in table {@code schema_version}.
     *
     * @return the version found before
     * @throws SchemaTooNewException if the file's version is newer than {@code migrations} knows: an older build
     *                               must refuse the file rather than corrupt it
     */
    public static int migrate(Connection connection, List<List<String>> migrations) throws SQLException {
        int latest = migrations.size();
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            try {
                statement.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
                int found;
                try (ResultSet rs = statement.executeQuery("SELECT max(version) FROM schema_version")) {
                    found = rs.next() ? rs.getInt(1) : 0;
                }
                if (found > latest) {
                    throw new SchemaTooNewException(found);
                }
                for (int version = found + 1; version <= latest; version++) {
                    for (String sql : migrations.get(version - 1)) {
                        statement.execute(sql);
                    }
                }
                if (found < latest) {
                    statement.execute("DELETE FROM schema_version");
                    statement.execute("INSERT INTO schema_version (version) VALUES (" + latest + ")");
                }
                statement.execute("COMMIT");
                return found;
            } catch (SQLException | RuntimeException e) {
                statement.execute("ROLLBACK");
                throw e;
            }
        }
    }
}
