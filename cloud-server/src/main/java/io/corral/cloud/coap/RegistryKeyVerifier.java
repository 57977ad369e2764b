package io.corral.cloud.coap;

import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.eclipse.californium.scandium.dtls.AlertMessage;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertDescription;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertLevel;
import org.eclipse.californium.scandium.dtls.CertificateMessage;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.CertificateVerificationResult;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.x509.NewAdvancedCertificateVerifier;
import org.eclipse.californium.scandium.util.ServerNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trusts a client's raw public key exactly when the registry knows a device with that key. Anything else (an
 * unknown key, an X.509 chain, an empty certificate) ends the handshake with a {@code bad_certificate} or
 * {@code unsupported_certificate} alert.
 */
final class RegistryKeyVerifier implements NewAdvancedCertificateVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryKeyVerifier.class);

    private final DeviceIdentities identities;

    RegistryKeyVerifier(DeviceIdentities identities) {
        this.identities = identities;
    }

    @Override
    public List<CertificateType> getSupportedCertificateTypes() {
        return List.of(CertificateType.RAW_PUBLIC_KEY);
    }

    @Override
    public CertificateVerificationResult verifyCertificate(ConnectionId cid, ServerNames serverName,
                                                           InetSocketAddress remotePeer, boolean clientUsage,
                                                           boolean verifySubject, boolean truncateCertificatePath,
                                                           CertificateMessage message) {
        if (message.getCertificateChain() != null) {
            return refuse(cid, remotePeer, AlertDescription.UNSUPPORTED_CERTIFICATE,
                    "X.509 certificates are not accepted; devices authenticate with raw public keys");
        }
        PublicKey key = message.getPublicKey();
        if (key == null) {
            return refuse(cid, remotePeer, AlertDescription.BAD_CERTIFICATE, "client sent no public key");
        }
        // getEncoded() is the JDK's canonical SubjectPublicKeyInfo, the same form the registry stores.
        Optional<String> deviceId = identities.authenticate(key.getEncoded());
        if (deviceId.isEmpty()) {
            return refuse(cid, remotePeer, AlertDescription.BAD_CERTIFICATE,
                    "raw public key does not belong to a registered device");
        }
        return new CertificateVerificationResult(cid, key, deviceId.get());
    }

    private static CertificateVerificationResult refuse(ConnectionId cid, InetSocketAddress peer,
                                                        AlertDescription description, String why) {
        LOG.info("refusing RPK handshake from {}: {}", peer, why);
        HandshakeException refusal = new HandshakeException(why, new AlertMessage(AlertLevel.FATAL, description));
        return new CertificateVerificationResult(cid, refusal, null);
    }

    @Override
    public List<X500Principal> getAcceptedIssuers() {
        return List.of();
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        // synchronous verifier
    }
}
