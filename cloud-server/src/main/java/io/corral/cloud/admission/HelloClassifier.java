package io.corral.cloud.admission;

import java.util.function.Predicate;

/**
 * Reads just enough of a datagram to sort a DTLS 1.2 CLIENT_HELLO (RFC 6347 4.2.2, 4.3.2) into a
 * {@link HelloKind}, copying nothing but a session id:
 *
 * <pre>
 * record header      type(1)=22 version(2) epoch(2)=0 sequence(6) length(2)            13 bytes
 * handshake header   msg_type(1)=1 length(3) message_seq(2) fragment_offset(3)=0 fragment_length(3)  12 bytes
 * body               client_version(2) random(32) session_id&lt;0..32&gt; cookie&lt;0..255&gt; ...
 * </pre>
 *
 * Anything else, including a truncated or later fragment, is {@link HelloKind#OTHER} and left to Scandium.
 */
final class HelloClassifier {
    private static final int RECORD_HEADER = 13;
    private static final int HANDSHAKE_HEADER = 12;
    private static final int BODY = RECORD_HEADER + HANDSHAKE_HEADER;
    private static final int RANDOM = BODY + 2;
    private static final int SESSION_ID_LENGTH = RANDOM + 32;
    private static final int CONTENT_TYPE_HANDSHAKE = 22;
    private static final int CONTENT_TYPE_ALERT = 21;
    private static final int CLIENT_HELLO = 1;

    private final Predicate<byte[]> knownSession;

    /** @param knownSession whether the cloud still holds the session with this id, so it can be resumed */
    HelloClassifier(Predicate<byte[]> knownSession) {
        this.knownSession = knownSession;
    }

    /** A classified CLIENT_HELLO: its kind, and a fingerprint of its random that tells retransmissions apart. */
    record Hello(HelloKind kind, long randomFingerprint) {
        static final Hello OTHER = new Hello(HelloKind.OTHER, 0);
    }

    Hello classify(byte[] data, int offset, int length) {
        if (length < SESSION_ID_LENGTH + 1 || (data[offset] & 0xff) != CONTENT_TYPE_HANDSHAKE
                || data[offset + 3] != 0 || data[offset + 4] != 0 // epoch 0
                || (data[offset + RECORD_HEADER] & 0xff) != CLIENT_HELLO
                || uint24(data, offset + RECORD_HEADER + 6) != 0) { // first fragment only
            return Hello.OTHER;
        }
        int sessionIdLength = data[offset + SESSION_ID_LENGTH] & 0xff;
        int cookieLengthAt = SESSION_ID_LENGTH + 1 + sessionIdLength;
        if (sessionIdLength > 32 || length < cookieLengthAt + 1) {
            return Hello.OTHER;
        }
        // Bytes 4..11 of the random: after gmt_unix_time, so two hellos in the same second still differ.
        long fingerprint = 0;
        for (int i = 4; i < 12; i++) {
            fingerprint = fingerprint << 8 | (data[offset + RANDOM + i] & 0xff);
        }
        int cookieLength = data[offset + cookieLengthAt] & 0xff;
        if (cookieLength == 0) {
            return new Hello(HelloKind.CHEAP, fingerprint);
        }
        if (sessionIdLength > 0) {
            byte[] sessionId = new byte[sessionIdLength];
            System.arraycopy(data, offset + SESSION_ID_LENGTH + 1, sessionId, 0, sessionIdLength);
            if (knownSession.test(sessionId)) {
                return new Hello(HelloKind.RESUMPTION, fingerprint);
            }
        }
        return new Hello(HelloKind.FULL, fingerprint);
    }

    /**
     * An alert in epoch 0: what a DTLS client sends when it gives up a handshake before any keys (its handshake
     * timer ran out), or what refuses one.
     */
    static boolean isPlaintextAlert(byte[] data, int offset, int length) {
        return length >= RECORD_HEADER + 2 && data[offset] == CONTENT_TYPE_ALERT
                && data[offset + 3] == 0 && data[offset + 4] == 0;
    }

    private static int uint24(byte[] data, int at) {
        return (data[at] & 0xff) << 16 | (data[at + 1] & 0xff) << 8 | (data[at + 2] & 0xff);
    }
}
