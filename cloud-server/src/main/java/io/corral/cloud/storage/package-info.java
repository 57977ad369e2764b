/**
 * The storage SPI: {@link io.corral.cloud.storage.Storage} bundles the stores a cloud node needs, and the
 * {@code storage} setting ({@code sqlite:DIR}, {@code memory}) picks the implementation. Start at
 * {@link io.corral.cloud.storage.Storages#open(String, io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase.Options)};
 * {@link io.corral.cloud.storage.StorageSpec} is the parsed setting.
 * {@link io.corral.cloud.storage.CloseStack} closes what an implementation, or the cloud, opened, in reverse.
 */
package io.corral.cloud.storage;
