package io.corral.cloud.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * How every {@link UserStore} hashes passwords and OAuth client secrets, so that a hash written by one
 * implementation verifies in another: Argon2id (Bouncy Castle) with a 16-byte random salt, written in the PHC
 * string format {@code $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH} (unpadded base64). The parameters travel with
 * each hash, so hashes made with other parameters still verify after a change. For implementers; callers never
 * need it.
 *
 * <p>The parameters are OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane): memory-hard enough that a
 * stolen database is slow to attack, cheap enough (tens of milliseconds) for a login. At most
 * {@value #CONCURRENT_HASHES} hashes run at once, so a burst of logins costs bounded memory and CPU rather than
 * 19 MiB per request.
 */
public final class PasswordHashes {
    static final int MEMORY_KIB = 19 * 1024;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final int CONCURRENT_HASHES = Math.max(2, Runtime.getRuntime().availableProcessors());
    private static final Semaphore HASHING = new Semaphore(CONCURRENT_HASHES, true);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,2}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{16,64})\\$([A-Za-z0-9+/]{16,128})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    /** Verified against when the user is unknown, so that "no such user" takes as long as "wrong password". */
    private static final String DUMMY = hash("corral: no such user");

    private PasswordHashes() {
    }

    /** A new salted Argon2id hash of {@code secret} in PHC format. */
    public static String hash(String secret) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] hash = argon2(secret, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /**
     * Whether {@code secret} is the one {@code encoded} was made from, compared in constant time. A null or
     * malformed {@code encoded} (no such user) is checked against a dummy hash, so it takes as long and is false.
     */
    public static boolean verify(String secret, String encoded) {
        Matcher m = encoded == null ? null : PHC.matcher(encoded);
        boolean known = m != null && m.matches();
        if (!known) {
            m = PHC.matcher(DUMMY);
            m.matches();
        }
        int memory = Integer.parseInt(m.group(1));
        int iterations = Integer.parseInt(m.group(2));
        int parallelism = Integer.parseInt(m.group(3));
        if (memory < 8 * parallelism || memory > 1024 * 1024 || iterations < 1 || parallelism < 1) {
            return false; // not a hash this build writes; refuse rather than spend a gigabyte on it
        }
        byte[] salt = Base64.getDecoder().decode(m.group(4));
        byte[] expected = Base64.getDecoder().decode(m.group(5));
        byte[] actual = argon2(secret == null ? "" : secret, salt, memory, iterations, parallelism, expected.length);
        return MessageDigest.isEqual(actual, expected) && known;
    }

    private static byte[] argon2(String secret, byte[] salt, int memoryKib, int iterations, int parallelism,
                                 int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(parallelism)
                .build());
        byte[] password = secret.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[length];
        HASHING.acquireUninterruptibly();
        try {
            generator.generateBytes(password, out);
        } finally {
            HASHING.release();
            Arrays.fill(password, (byte) 0);
        }
        return out;
    }
}
