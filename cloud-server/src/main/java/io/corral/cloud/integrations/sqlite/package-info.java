/**
 * The embedded storage of integrations: one SQLite file, {@code DATA_DIR/integrations.db}, opened as
 * {@link io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase}, which offers both the delivery queue and
 * the integration store. They share one group-committing writer and one schema, so pausing or deleting an
 * integration changes its deliveries in the same transaction; that is why they live in one package and everything
 * but the database itself is package-private.
 */
package io.corral.cloud.integrations.sqlite;
