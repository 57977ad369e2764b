package io.corral.cloud.coap;

import java.util.concurrent.atomic.LongAdder;
import org.eclipse.californium.scandium.dtls.DTLSContext;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.dtls.ResumingServerHandshaker;
import org.eclipse.californium.scandium.dtls.SessionAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scandium session listener that counts full and resumed handshakes. Handshakes complete on connector threads,
 * so the counters are LongAdders; {@link #snapshot()} sums them for readers elsewhere.
 */
final class HandshakeCounter extends SessionAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeCounter.class);

    private final LongAdder full = new LongAdder();
    private final LongAdder resumed = new LongAdder();
    private final LongAdder failed = new LongAdder();

    @Override
    public void contextEstablished(Handshaker handshaker, DTLSContext establishedContext) {
        // Counted here rather than in handshakeCompleted: for a full handshake the server sends the last
        // FINISHED, and Scandium reports "completed" only once the first application record arrives, which a
        // device that connects but stays silent never sends.
        if (handshaker instanceof ResumingServerHandshaker) {
            resumed.increment();
        } else {
            full.increment();
        }
    }

    @Override
    public void handshakeFailed(Handshaker handshaker, Throwable error) {
        failed.increment();
        LOG.debug("DTLS handshake with {} failed: {}", handshaker.getPeerAddress(), error.toString());
    }

    HandshakeStats snapshot() {
        return new HandshakeStats(full.sum(), resumed.sum(), failed.sum());
    }
}
