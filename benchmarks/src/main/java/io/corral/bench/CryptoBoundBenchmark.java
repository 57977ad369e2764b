package io.corral.bench;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyAgreement;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
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
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CryptoBoundBenchmark {
    private static final byte[] TRANSCRIPT = new byte[256];

    private KeyPair serverJce;
    private KeyPair peerJce;
    private KeyPairGenerator jceGenerator;
    private byte[] peerSignature;

    private ECDomainParameters domain;
    private AsymmetricCipherKeyPair serverBc;
    private AsymmetricCipherKeyPair peerBc;
    private ECKeyPairGenerator bcGenerator;
    private BigInteger[] peerSignatureBc;
    private final SecureRandom random = new SecureRandom();

    @Setup
    public void setUp() throws Exception {
        jceGenerator = KeyPairGenerator.getInstance("EC");
        jceGenerator.initialize(new ECGenParameterSpec("secp256r1"));
        serverJce = jceGenerator.generateKeyPair();
        peerJce = jceGenerator.generateKeyPair();
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(peerJce.getPrivate());
        signer.update(TRANSCRIPT);
        peerSignature = signer.sign();

        X9ECParameters curve = CustomNamedCurves.getByName("secp256r1"); // the optimised curve BcTlsCrypto uses
        domain = new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH());
        bcGenerator = new ECKeyPairGenerator();
        bcGenerator.init(new ECKeyGenerationParameters(domain, random));
        serverBc = bcGenerator.generateKeyPair();
        peerBc = bcGenerator.generateKeyPair();
        ECDSASigner bcSigner = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        bcSigner.init(true, peerBc.getPrivate());
        peerSignatureBc = bcSigner.generateSignature(sha256(TRANSCRIPT));
    }

    /** The JDK's SunEC provider: what Scandium uses by default. */
    @Benchmark
    public Object sunEcServerShareOfFullHandshake() throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(serverJce.getPrivate());
        signer.update(TRANSCRIPT);
        byte[] signature = signer.sign();

        KeyPair ephemeral = jceGenerator.generateKeyPair();
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(ephemeral.getPrivate());
        agreement.doPhase(peerJce.getPublic(), true);
        byte[] secret = agreement.generateSecret();

        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(peerJce.getPublic());
        verifier.update(TRANSCRIPT);
        return verifier.verify(peerSignature) ? secret : signature;
    }

    /** Bouncy Castle's lightweight API: what BcTlsCrypto, and so the device SDK, uses. */
    @Benchmark
    public Object bcLightweightServerShareOfFullHandshake() {
        byte[] digest = sha256(TRANSCRIPT);
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, serverBc.getPrivate());
        BigInteger[] signature = signer.generateSignature(digest);

        AsymmetricCipherKeyPair ephemeral = bcGenerator.generateKeyPair();
        ECDHBasicAgreement agreement = new ECDHBasicAgreement();
        agreement.init((ECPrivateKeyParameters) ephemeral.getPrivate());
        BigInteger secret = agreement.calculateAgreement((ECPublicKeyParameters) peerBc.getPublic());

        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, peerBc.getPublic());
        return verifier.verifySignature(digest, peerSignatureBc[0], peerSignatureBc[1]) ? secret : signature;
    }

    private static byte[] sha256(byte[] data) {
        SHA256Digest digest = new SHA256Digest();
        digest.update(data, 0, data.length);
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }
}
