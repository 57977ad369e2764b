package io.corral.device.internal;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SessionParameters;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * What resuming a DTLS session takes, held apart from Bouncy Castle's {@link TlsSession}.
 *
 * <p>Bouncy Castle invalidates the session it was offered, and destroys its master secret, whenever a handshake
 * fails, even by a timeout. So a session handed to it directly would not survive an outage, which is exactly when
 * resuming matters. This keeps the parameters, master secret included, and hands each handshake a fresh copy.
 */
record ResumableSession(byte[] sessionId, int cipherSuite, ProtocolVersion version, boolean extendedMasterSecret,
                        byte[] masterSecret, Hashtable<?, ?> serverExtensions, Certificate peerCertificate,
                        Certificate localCertificate, byte[] pskIdentity) {

    /** The parameters of a session a handshake just established; null if it cannot be resumed. */
    static ResumableSession of(TlsSession session, BcTlsCrypto crypto) {
        SessionParameters parameters = session == null ? null : session.exportSessionParameters();
        if (parameters == null || parameters.getMasterSecret() == null || session.getSessionID().length == 0) {
            return null;
        }
        try {
            // Extracting destroys a secret, and the live session still needs it: extract from a copy.
            byte[] secret = crypto.adoptSecret(parameters.getMasterSecret()).extract();
            return new ResumableSession(session.getSessionID().clone(), parameters.getCipherSuite(),
                    parameters.getNegotiatedVersion(), parameters.isExtendedMasterSecret(), secret,
                    parameters.readServerExtensions(), parameters.getPeerCertificate(),
                    parameters.getLocalCertificate(), parameters.getPSKIdentity());
        } catch (IOException e) {
            return null; // server extensions that do not parse: not worth resuming
        }
    }

    /** A new Bouncy Castle session for one handshake, with its own copy of the master secret. */
    TlsSession toTlsSession(BcTlsCrypto crypto) {
        try {
            SessionParameters parameters = new SessionParameters.Builder()
                    .setCipherSuite(cipherSuite)
                    .setNegotiatedVersion(version)
                    .setExtendedMasterSecret(extendedMasterSecret)
                    .setMasterSecret(crypto.createSecret(masterSecret.clone()))
                    .setServerExtensions(serverExtensions)
                    .setPeerCertificate(peerCertificate)
                    .setLocalCertificate(localCertificate)
                    .setPSKIdentity(pskIdentity)
                    .build();
            return TlsUtils.importSession(sessionId, parameters);
        } catch (IOException e) {
            throw new IllegalStateException("server extensions of a stored session do not encode", e);
        }
    }

    boolean sameSessionAs(ResumableSession other) {
        return other != null && java.util.Arrays.equals(sessionId, other.sessionId);
    }
}
