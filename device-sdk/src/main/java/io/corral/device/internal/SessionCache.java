package io.corral.device.internal;

import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Keeps the last resumable DTLS session, so a reconnect costs an abbreviated handshake instead of a full one, and,
 * with a {@link SessionFile}, so a restarted device can resume too. Only the connection thread of one device
 * touches it, but the session is volatile so any thread may forget it.
 */
final class SessionCache {
    private final boolean resume;
    private final BcTlsCrypto crypto;
    private final SessionFile file;
    private volatile ResumableSession session;

    /**
     * @param resume false to never offer a session, as a device that lost its state would
     * @param file   where the session is also kept, or null for memory only; read once, here
     */
    SessionCache(boolean resume, BcTlsCrypto crypto, SessionFile file) {
        this.resume = resume;
        this.crypto = crypto;
        this.file = file;
        this.session = file == null ? null : file.load();
    }

    /** A session to offer in the next handshake, or null for a full handshake. */
    TlsSession get() {
        ResumableSession current = session;
        return resume && current != null ? current.toTlsSession(crypto) : null;
    }

    /** Keeps the session a handshake produced; writes the file only when it is a new session. */
    void put(TlsSession established) {
        ResumableSession next = ResumableSession.of(established, crypto);
        if (next == null) {
            return;
        }
        ResumableSession previous = session;
        session = next;
        if (file != null && !next.sameSessionAs(previous)) {
            file.save(next);
        }
    }

    void clear() {
        session = null;
        if (file != null) {
            file.delete();
        }
    }
}
