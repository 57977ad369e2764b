/**
 * Implementation of the device SDK: the Bouncy Castle DTLS connector for Californium
 * ({@link io.corral.device.internal.BcDtlsConnector}) and the device itself
 * ({@link io.corral.device.internal.CorralDevice}). Not API: types here may change without notice.
 */
package io.corral.device.internal;
