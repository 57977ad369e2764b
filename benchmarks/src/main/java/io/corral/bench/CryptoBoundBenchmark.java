package io.corral.bench;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyAgreement;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The crypto bound of a full RPK handshake, server side: one ECDSA sign (ServerKeyExchange), one ephemeral key
 * generation plus ECDH, and one ECDSA verify (the client's CertificateVerify), all on P-256. One operation of this
 * benchmark is one handshake's worth of that work, so its ops/s on one thread is the most full handshakes one core
 * could complete if DTLS cost nothing else.
 *
 * <p>Every operation meets a peer it has not seen for a long time, as in a herd: the peer's public key arrives as
 * bytes and is decoded per operation, from a pool of {@value #PEERS} distinct peers. A single reused peer key would
 * flatter both providers, because Bouncy Castle keeps the point's precomputed multiples on the decoded key object
 * and so verifies against it faster from the second operation on.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CryptoBoundBenchmark {
    private static final byte[] TRANSCRIPT = new byte[256];
    static final int PEERS = 2048;

    private KeyPair serverJce;
    private KeyPairGenerator jceGenerator;
    private KeyFactory jceKeyFactory;

    private final Provider bc = new BouncyCastleProvider();
    private KeyPair serverBcJca;
    private KeyPairGenerator bcJcaGenerator;
    private KeyFactory bcJcaKeyFactory;

    private ECDomainParameters domain;
    private AsymmetricCipherKeyPair serverBc;
    private ECKeyPairGenerator bcGenerator;
    private final SecureRandom random = new SecureRandom();

    /** Per peer: its public key as a DER SubjectPublicKeyInfo, and as an uncompressed point (what the wire holds). */
    private final byte[][] peerKeyDer = new byte[PEERS][];
    private final byte[][] peerKeyPoint = new byte[PEERS][];
    /** Per peer: its signature of the transcript, DER-encoded (JCA) and as (r, s) (lightweight API). */
    private final byte[][] peerSignatureDer = new byte[PEERS][];
    private final BigInteger[][] peerSignatureBc = new BigInteger[PEERS][];
    private int nextPeer;

    @Setup
    public void setUp() throws Exception {
        jceGenerator = KeyPairGenerator.getInstance("EC");
        jceGenerator.initialize(new ECGenParameterSpec("secp256r1"));
        serverJce = jceGenerator.generateKeyPair();
        jceKeyFactory = KeyFactory.getInstance("EC");
        bcJcaGenerator = KeyPairGenerator.getInstance("EC", bc);
        bcJcaGenerator.initialize(new ECGenParameterSpec("secp256r1"));
        serverBcJca = bcJcaGenerator.generateKeyPair();
        bcJcaKeyFactory = KeyFactory.getInstance("EC", bc);

        X9ECParameters curve = CustomNamedCurves.getByName("secp256r1"); // the optimised curve BcTlsCrypto uses
        // Named, so that keys encode with the curve's OID, which is what SunEC decodes and what a device sends.
        domain = new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, curve);
        bcGenerator = new ECKeyPairGenerator();
        bcGenerator.init(new ECKeyGenerationParameters(domain, random));
        serverBc = bcGenerator.generateKeyPair();
        // The peers are made with the lightweight API (fast) and handed to both providers as encoded bytes.
        byte[] digest = sha256(TRANSCRIPT);
        for (int i = 0; i < PEERS; i++) {
            AsymmetricCipherKeyPair peer = bcGenerator.generateKeyPair();
            ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
            signer.init(true, peer.getPrivate());
            BigInteger[] rs = signer.generateSignature(digest);
            peerSignatureBc[i] = rs;
            peerSignatureDer[i] = StandardDSAEncoding.INSTANCE.encode(domain.getN(), rs[0], rs[1]);
            ECPublicKeyParameters publicKey = (ECPublicKeyParameters) peer.getPublic();
            peerKeyPoint[i] = publicKey.getQ().getEncoded(false);
            SubjectPublicKeyInfo info = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(publicKey);
            peerKeyDer[i] = info.getEncoded();
        }
    }

    private int nextPeer() {
        int peer = nextPeer;
        nextPeer = (peer + 1) % PEERS;
        return peer;
    }

    /** The JDK's SunEC provider: what Scandium uses by default. */
    @Benchmark
    public Object sunEcServerShareOfFullHandshake() throws Exception {
        int peer = nextPeer();
        PublicKey peerKey = jceKeyFactory.generatePublic(new X509EncodedKeySpec(peerKeyDer[peer]));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(serverJce.getPrivate());
        signer.update(TRANSCRIPT);
        byte[] signature = signer.sign();

        KeyPair ephemeral = jceGenerator.generateKeyPair();
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(ephemeral.getPrivate());
        agreement.doPhase(peerKey, true);
        byte[] secret = agreement.generateSecret();

        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(peerKey);
        verifier.update(TRANSCRIPT);
        return verifier.verify(peerSignatureDer[peer]) ? secret : signature;
    }

    /**
     * Bouncy Castle's JCA provider with a key it made itself (named-curve parameters): what Scandium uses once BC is
     * its provider.
     */
    @Benchmark
    public Object bcJcaServerShareOfFullHandshake() throws Exception {
        int peer = nextPeer();
        PublicKey peerKey = bcJcaKeyFactory.generatePublic(new X509EncodedKeySpec(peerKeyDer[peer]));
        Signature signer = Signature.getInstance("SHA256withECDSA", bc);
        signer.initSign(serverBcJca.getPrivate());
        signer.update(TRANSCRIPT);
        byte[] signature = signer.sign();

        KeyPair ephemeral = bcJcaGenerator.generateKeyPair();
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH", bc);
        agreement.init(ephemeral.getPrivate());
        agreement.doPhase(peerKey, true);
        byte[] secret = agreement.generateSecret();

        Signature verifier = Signature.getInstance("SHA256withECDSA", bc);
        verifier.initVerify(peerKey);
        verifier.update(TRANSCRIPT);
        return verifier.verify(peerSignatureDer[peer]) ? secret : signature;
    }

    /** Bouncy Castle's lightweight API: what BcTlsCrypto, and so the device SDK, uses. */
    @Benchmark
    public Object bcLightweightServerShareOfFullHandshake() {
        int peer = nextPeer();
        ECPublicKeyParameters peerKey = new ECPublicKeyParameters(domain.getCurve().decodePoint(peerKeyPoint[peer]),
                domain);
        byte[] digest = sha256(TRANSCRIPT);
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, serverBc.getPrivate());
        BigInteger[] signature = signer.generateSignature(digest);

        AsymmetricCipherKeyPair ephemeral = bcGenerator.generateKeyPair();
        ECDHBasicAgreement agreement = new ECDHBasicAgreement();
        agreement.init((ECPrivateKeyParameters) ephemeral.getPrivate());
        BigInteger secret = agreement.calculateAgreement(peerKey);

        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, peerKey);
        BigInteger[] peerSignature = peerSignatureBc[peer];
        return verifier.verifySignature(digest, peerSignature[0], peerSignature[1]) ? secret : signature;
    }

    private static byte[] sha256(byte[] data) {
        SHA256Digest digest = new SHA256Digest();
        digest.update(data, 0, data.length);
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }
}
