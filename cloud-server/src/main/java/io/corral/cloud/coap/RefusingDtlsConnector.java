package io.corral.cloud.coap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertDescription;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.dtls.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Scandium connector that tells a PSK device when it is refused.
 *
 * <p>Scandium drops a handshake with an unknown PSK identity or a wrong PSK without a word, on purpose: silence
 * does not tell a prober which identities exist. Corral chooses the other way, because the contract promises
 * devices a typed "authentication refused" instead of a handshake timeout, and a fleet that retries
 * handshakes for minutes after a key rotation is worse than a leaked device id (ids are not secrets; the PSK
 * is). So when Scandium reports either failure, this connector sends the fatal alert itself, as a plaintext
 * epoch-0 record: the device has not installed the new keys for reading yet, so that is the epoch it accepts.
 * See docs/design-notes.md.
 */
final class RefusingDtlsConnector extends DTLSConnector {
    private static final Logger LOG = LoggerFactory.getLogger(RefusingDtlsConnector.class);
    private static final byte CONTENT_TYPE_ALERT = 21;
    private static final byte LEVEL_FATAL = 2;
    /**
     * Above any sequence number the handshake used in epoch 0, so the device's replay window accepts it.
     * Epoch-0 numbers in a handshake stay in the single digits.
     */
    private static final long ALERT_SEQUENCE_NUMBER = 0x7FFF_FFFFL;

    private final SessionListener extraListener;

    /** @param extraListener told about every handshake, besides the configuration's session listener */
    RefusingDtlsConnector(DtlsConnectorConfig config, SessionListener extraListener) {
        super(config);
        this.extraListener = extraListener;
    }

    @Override
    protected void onInitializeHandshaker(Handshaker handshaker) {
        super.onInitializeHandshaker(handshaker);
        handshaker.addSessionListener(extraListener);
    }

    /** Sends a fatal epoch-0 alert to {@code peer}; failures are logged, never thrown. */
    void refuse(InetSocketAddress peer, AlertDescription description) {
        if (peer == null) {
            return;
        }
        byte[] record = new byte[13 + 2];
        record[0] = CONTENT_TYPE_ALERT;
        record[1] = (byte) 254; // DTLS 1.2 is {254, 253}
        record[2] = (byte) 253;
        // bytes 3..4: epoch 0; bytes 5..10: sequence number (48 bits, big-endian)
        for (int i = 0; i < 6; i++) {
            record[10 - i] = (byte) (ALERT_SEQUENCE_NUMBER >>> (8 * i));
        }
        record[11] = 0;
        record[12] = 2; // fragment length
        record[13] = LEVEL_FATAL;
        record[14] = (byte) description.getCode();
        try {
            sendNextDatagramOverNetwork(new DatagramPacket(record, record.length, peer));
            LOG.debug("refused {} with a fatal {} alert", peer, description);
        } catch (IOException e) {
            LOG.debug("could not send the {} alert to {}: {}", description, peer, e.toString());
        }
    }
}
