/**
 * The Corral CoAP profile (wire contract v1), shared by the device SDK and the cloud.
 *
 * <p>Start with {@link io.corral.protocol.CorralProfile} for paths and codes, then
 * {@link io.corral.protocol.Limits} for the default limits and {@link io.corral.protocol.EventNames}
 * for name validation. The JSON bodies of hello, describe and subscribe are the records in
 * {@link io.corral.protocol.Messages}.
 */
package io.corral.protocol;
