/**
 * The Corral device SDK. Start with {@link io.corral.device.Device#builder()} and
 * {@link io.corral.device.DeviceCredentials#load(java.nio.file.Path)}.
 *
 * <p>Failures are {@link io.corral.device.DeviceException}s with a typed reason; connection changes reach a
 * {@link io.corral.device.ConnectionListener}, which also hears of handlers and listeners that threw. No
 * Californium or Bouncy Castle type appears in this package; they live in {@code io.corral.device.internal},
 * which is not API: the SDK's module ({@code io.corral.device}) exports this package only. The wire contract
 * ({@link io.corral.protocol.Limits} and the rest of {@code io.corral.protocol}) comes from the
 * {@code corral-protocol} module, which the SDK requires transitively.
 */
package io.corral.device;
