/**
 * The Corral device SDK. Start with {@link io.corral.device.Device#builder()} and
 * {@link io.corral.device.DeviceCredentials#load(java.nio.file.Path)}.
 *
 * <p>Failures are {@link io.corral.device.DeviceException}s with a typed reason; connection changes reach a
 * {@link io.corral.device.ConnectionListener}. No Californium or Bouncy Castle type appears in this package;
 * they live in {@code io.corral.device.internal}, which is not API.
 */
package io.corral.device;
