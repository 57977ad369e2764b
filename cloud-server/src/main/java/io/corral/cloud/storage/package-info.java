/**
 * The storage SPI: {@link io.corral.cloud.storage.Storage} bundles the stores a cloud node needs, and the
 * {@code storage} setting ({@code sqlite:DIR}, {@code memory}) picks the implementation.
 * {@link io.corral.cloud.storage.CloseStack} closes what an implementation, or the cloud, opened, in reverse.
 */
package io.corral.cloud.storage;
