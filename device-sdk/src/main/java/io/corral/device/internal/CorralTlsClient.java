package io.corral.device.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.Vector;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.tls.AbstractTlsClient;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CertificateType;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSKIdentity;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsRawKeyCertificate;
import org.bouncycastle.tls.CertificateStatusRequest;

/**
 * The Corral profile as a Bouncy Castle TLS client: DTLS 1.2 only, one cipher suite per credential type, raw
 * public keys with the cloud's key pinned, an empty connection id of our own (so the cloud assigns one for the
 * records we send), and session resumption.
 *
 * <p>A new instance per handshake: Bouncy Castle keeps per-handshake state in the client object.
 */
final class CorralTlsClient extends AbstractTlsClient {
    private static final SignatureAndHashAlgorithm ECDSA_SHA256 =
            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    private final DtlsIdentity identity;
    private final TlsSession sessionToResume;
    private final int handshakeTimeoutMillis;
    private volatile Short receivedAlert;
    private volatile boolean serverHelloDoneSeen;

    CorralTlsClient(BcTlsCrypto crypto, DtlsIdentity identity, TlsSession sessionToResume, int handshakeTimeoutMillis) {
        super(crypto);
        this.identity = identity;
        this.sessionToResume = sessionToResume;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return identity.isPsk()
                ? new int[] {CipherSuite.TLS_PSK_WITH_AES_128_CCM_8}
                : new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8};
    }

    @Override
    protected Vector getSupportedGroups(Vector namedGroupRoles) {
        Vector groups = new Vector();
        groups.addElement(NamedGroup.secp256r1);
        return groups;
    }

    @Override
    protected Vector getSupportedSignatureAlgorithms() {
        Vector algorithms = new Vector();
        algorithms.addElement(ECDSA_SHA256);
        return algorithms;
    }

    @Override
    protected CertificateStatusRequest getCertificateStatusRequest() {
        return null; // raw public keys have no OCSP; asking would only grow the ClientHello
    }

    @Override
    protected short[] getAllowedClientCertificateTypes() {
        return identity.isPsk() ? null : new short[] {CertificateType.RawPublicKey};
    }

    @Override
    protected short[] getAllowedServerCertificateTypes() {
        return identity.isPsk() ? null : new short[] {CertificateType.RawPublicKey};
    }

    @Override
    protected byte[] getNewConnectionID() {
        // Empty: we do not need a CID on records we receive (our socket is ours alone), but offering the extension
        // lets the cloud assign one for what we send, so a NAT rebinding does not cost a handshake.
        return new byte[0];
    }

    @Override
    public TlsSession getSessionToResume() {
        return sessionToResume;
    }

    @Override
    public TlsPSKIdentity getPSKIdentity() {
        return identity.isPsk() ? new BasicTlsPSKIdentity(identity.pskIdentity(), identity.pskKey()) : null;
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    @Override
    public boolean requiresExtendedMasterSecret() {
        return true;
    }

    @Override
    public void notifyAlertReceived(short alertLevel, short alertDescription) {
        if (alertLevel == AlertLevel.fatal) {
            receivedAlert = alertDescription;
        }
    }

    /** The handshake's context, for reading the negotiated parameters once {@code connect} returned. */
    org.bouncycastle.tls.TlsClientContext handshakeContext() {
        return context;
    }

    /** The IANA name of the one suite this client offers. */
    String cipherSuiteName() {
        return identity.isPsk() ? "TLS_PSK_WITH_AES_128_CCM_8" : "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8";
    }

    /** The fatal alert the cloud sent during the handshake, or null. */
    Short receivedAlert() {
        return receivedAlert;
    }

    /** Whether the cloud got as far as asking us for our key exchange (so it knew our identity). */
    boolean serverHelloDoneSeen() {
        return serverHelloDoneSeen;
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                if (identity.isPsk()) {
                    throw new TlsFatalAlert(AlertDescription.unexpected_message, "PSK suites carry no certificate");
                }
                Certificate chain = serverCertificate.getCertificate();
                if (chain.getCertificateType() != CertificateType.RawPublicKey || chain.getLength() != 1
                        || !Arrays.equals(chain.getCertificateAt(0).getEncoded(), identity.pinnedCloudKeySpki())) {
                    throw new TlsFatalAlert(AlertDescription.bad_certificate,
                            "the cloud's public key does not match the pinned cloud_public_key");
                }
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) {
                serverHelloDoneSeen = true;
                if (identity.isPsk()) {
                    return null;
                }
                BcTlsCrypto crypto = (BcTlsCrypto) getCrypto();
                Certificate ours = new Certificate(CertificateType.RawPublicKey, null, new CertificateEntry[] {
                        new CertificateEntry(new BcTlsRawKeyCertificate(crypto, identity.publicKeySpki()), null)});
                AsymmetricKeyParameter privateKey = identity.privateKey();
                return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, privateKey, ours,
                        ECDSA_SHA256);
            }
        };
    }
}
