package io.corral.cloud.coap;

/**
 * Counts of DTLS handshakes the cloud's endpoint finished since it started, read at one moment.
 *
 * @param fullCompleted    full handshakes completed (ECDHE_ECDSA or PSK: the expensive kind)
 * @param resumedCompleted abbreviated handshakes that resumed an earlier session (cheap)
 * @param failed           handshakes that failed: refused credentials, alerts, timeouts, replaced handshakes
 */
public record HandshakeStats(long fullCompleted, long resumedCompleted, long failed) {
}
