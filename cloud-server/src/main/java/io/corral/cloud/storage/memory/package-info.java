/**
 * The {@code memory} storage: {@link io.corral.cloud.storage.memory.MemoryStorage} and its package-private parts,
 * which behave as the SQLite ones do and keep nothing on disk.
 */
package io.corral.cloud.storage.memory;
