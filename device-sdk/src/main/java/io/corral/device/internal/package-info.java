/**
 * Implementation of the device SDK. Not API: the SDK's module does not export this package, and its types may
 * change without notice.
 *
 * <p>{@link io.corral.device.internal.CorralDevice} puts one device together from three parts: the
 * {@code ConnectionSupervisor} (connect, keepalive, full-jitter backoff; clock and random source injectable),
 * the {@code RequestHandlers} (functions, variables, subscriptions and the device-side CoAP resources) and the
 * {@code PublishPath}. All three send through one {@code CloudChannel}: a Californium endpoint on the Bouncy
 * Castle DTLS connector ({@link io.corral.device.internal.BcDtlsConnector}). Every call into user code goes
 * through {@code Callouts}, which catches, logs, counts and reports what it throws.
 */
package io.corral.device.internal;
