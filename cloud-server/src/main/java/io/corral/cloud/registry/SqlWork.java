package io.corral.cloud.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A piece of JDBC work, and the one way the registry runs writes: in a BEGIN IMMEDIATE transaction. */
@FunctionalInterface
interface SqlWork<T> {
    T run(Connection connection) throws SQLException;

    /**
     * Runs {@code work} in a transaction that takes SQLite's write lock at once, so a check followed by an insert
     * cannot interleave with another process's write. The connection stays in JDBC auto-commit mode: sqlite-jdbc's
     * own transactions begin the next one at every commit, which would take the write lock again for nothing.
     */
    static <T> T inWriteTransaction(Connection connection, SqlWork<T> work) throws SQLException {
        try (Statement begin = connection.createStatement()) {
            begin.execute("BEGIN IMMEDIATE");
        }
        try {
            T result = work.run(connection);
            try (Statement commit = connection.createStatement()) {
                commit.execute("COMMIT");
            }
            return result;
        } catch (SQLException | RuntimeException e) {
            try (Statement rollback = connection.createStatement()) {
                rollback.execute("ROLLBACK");
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
    }
}
