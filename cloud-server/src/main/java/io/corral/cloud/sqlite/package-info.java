/**
 * Helpers every SQLite file of the cloud shares: private file creation and schema migrations. Start with
 * {@link io.corral.cloud.sqlite.SqliteFiles}.
 */
package io.corral.cloud.sqlite;
