/**
 * Owners, devices and the cloud's own key pair. Start with {@link io.corral.cloud.registry.DeviceRegistry};
 * open the embedded implementation with {@link io.corral.cloud.registry.SqliteDeviceRegistry#open}, and make
 * key material with {@link io.corral.cloud.registry.CloudKeys}. Failures are
 * {@link io.corral.cloud.registry.RegistryException}s whose reason says what kind they are.
 */
package io.corral.cloud.registry;
