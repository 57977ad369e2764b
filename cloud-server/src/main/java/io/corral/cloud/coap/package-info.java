/**
 * The cloud's DTLS/CoAP endpoint for the Corral profile.
 *
 * <p>Start with {@link io.corral.cloud.coap.DeviceEndpoint}, which {@code io.corral.cloud.Cloud} wires: a
 * Scandium DTLS connector whose credentials come from the device registry, and one Californium resource per
 * device-to-cloud message. {@link io.corral.cloud.coap.LiveSessions} says which devices are connected;
 * cloud-to-device calls fail with a {@link io.corral.cloud.coap.DeviceCallException}; handshake counts are in
 * {@link io.corral.cloud.coap.HandshakeStats}. Everything else here is package-private.
 */
package io.corral.cloud.coap;
