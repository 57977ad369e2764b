/** The embedded single-node storage on SQLite files in one directory ({@code storage=sqlite:DIR}). */
package io.corral.cloud.storage.sqlite;
