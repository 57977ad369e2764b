package io.corral.simulator.run;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;

/**
 * Runs the device side of full RPK handshakes' crypto (P-256 keygen, ECDH, ECDSA sign and verify, with the curve
 * Bouncy Castle's TLS uses) for a moment before a run, so the JIT has compiled it: otherwise the first seconds
 * measure the simulator's warm-up instead of the cloud.
 */
final class CryptoWarmup {
    private CryptoWarmup() {
    }

    static void run(long millis) {
        X9ECParameters curve = CustomNamedCurves.getByName("secp256r1");
        ECDomainParameters domain = new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH());
        SecureRandom random = new SecureRandom();
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(domain, random));
        AsymmetricCipherKeyPair peer = generator.generateKeyPair();
        byte[] digest = new byte[32];
        long deadline = System.nanoTime() + millis * 1_000_000;
        BigInteger sink = BigInteger.ZERO;
        while (System.nanoTime() < deadline) {
            AsymmetricCipherKeyPair ephemeral = generator.generateKeyPair();
            ECDHBasicAgreement agreement = new ECDHBasicAgreement();
            agreement.init(ephemeral.getPrivate());
            sink = sink.xor(agreement.calculateAgreement(peer.getPublic()));
            ECDSASigner signer = new ECDSASigner();
            signer.init(true, (ECPrivateKeyParameters) peer.getPrivate());
            random.nextBytes(digest);
            BigInteger[] signature = signer.generateSignature(digest);
            ECDSASigner verifier = new ECDSASigner();
            verifier.init(false, (ECPublicKeyParameters) peer.getPublic());
            if (!verifier.verifySignature(digest, signature[0], signature[1])) {
                throw new IllegalStateException("ECDSA verification failed in the warm-up");
            }
        }
        if (sink.signum() < 0) {
            throw new IllegalStateException("unreachable");
        }
    }
}
