package io.corral.cloud.registry;

import io.corral.cloud.registry.RegistryException.Reason;
import io.corral.cloud.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Opens connections to {@code DATA_DIR/corral.db}, the one database file that the device registry and the token
 * store share: each store opens its own connection, and whichever opens first creates the file and brings the
 * schema up to date.
 */
final class SqliteDatabase {
    private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);

    private SqliteDatabase() {
    }

    /** What {@link #open} returns: the database file and a connection to it at the latest schema version. */
    record Opened(Path file, Connection connection) {
    }

    /**
     * Creates the directory and the file where missing (readable by the current user only where the file system
     * allows it: the file holds PSKs, token hashes and the cloud's private key), opens a WAL-mode connection and
     * migrates the schema.
     *
     * @throws RegistryException with reason {@code STORAGE} if the directory or database cannot be used
     */
    static Opened open(Path dataDir) {
        Objects.requireNonNull(dataDir, "dataDir");
        Path file = dataDir.resolve(SqliteDeviceRegistry.DATABASE_FILE);
        try {
            SqliteFiles.createPrivately(dataDir, file);
        } catch (IOException e) {
            throw new RegistryException(Reason.STORAGE, "cannot create data dir " + dataDir + ": " + describe(e), e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.enforceForeignKeys(true);
        config.setPragma(SQLiteConfig.Pragma.JOURNAL_SIZE_LIMIT, Long.toString(SqliteFiles.JOURNAL_SIZE_LIMIT));
        // Another process (the CLI next to a running cloud) may hold the write lock for a moment.
        config.setBusyTimeout(5_000);
        Connection connection = null;
        try {
            connection = config.createConnection("jdbc:sqlite:" + file);
            int found = RegistrySchema.migrate(connection, file);
            if (found == 0) {
                log.debug("registry {}: created with schema version {}", file, RegistrySchema.LATEST_VERSION);
            } else if (found < RegistrySchema.LATEST_VERSION) {
                log.info("registry {}: schema upgraded from version {} to {}", file, found, RegistrySchema.LATEST_VERSION);
            }
            return new Opened(file, connection);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            if (e instanceof RegistryException registryException) {
                throw registryException;
            }
            throw new RegistryException(Reason.STORAGE, "cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            log.warn("closing the registry database failed: {}", e.getMessage());
        }
    }

    private static String describe(IOException e) {
        return e instanceof FileAlreadyExistsException && e.getMessage() != null ? e.getMessage()
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }
}
