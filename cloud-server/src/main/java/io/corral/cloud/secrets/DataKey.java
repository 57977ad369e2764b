package io.corral.cloud.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A 256-bit AES-GCM key that seals secrets before they reach storage, kept in a file of its own so that a copy
 * of the database alone reveals nothing.
 *
 * <p>A sealed value is {@code version(1) || nonce(12) || ciphertext || tag(16)}. The caller passes associated
 * data (for example the device id a PSK belongs to), so a sealed value copied onto another row fails to open
 * instead of silently authenticating someone else.
 *
 * <pre>{@code
 * DataKey key = DataKey.loadOrCreate(Path.of("/var/lib/corral/data.key"));
 * byte[] sealed = key.seal(psk.getBytes(UTF_8), deviceId.getBytes(UTF_8));
 * byte[] psk = key.open(sealed, deviceId.getBytes(UTF_8));
 * }</pre>
 *
 * <p>The key file holds the key as one line of base64 and must be readable by its owner only (mode 0600); a
 * file anyone else can read is refused, as ssh refuses a private key with loose permissions. Thread-safe.
 */
public final class DataKey {
    /** Bumped if the layout ever changes, so old rows stay readable alongside new ones. */
    static final byte VERSION = 1;
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final SecretKeySpec key;

    private DataKey(byte[] keyBytes) {
        if (keyBytes.length != KEY_BYTES) {
            throw new IllegalArgumentException("data key must be " + KEY_BYTES + " bytes, got " + keyBytes.length);
        }
        this.key = new SecretKeySpec(keyBytes.clone(), "AES");
    }

    /** A key from its 32 raw bytes (tests, or a key handed over by a secrets manager). */
    public static DataKey of(byte[] keyBytes) {
        return new DataKey(Objects.requireNonNull(keyBytes, "keyBytes"));
    }

    /** A fresh random key that lives only in memory: for storage that keeps nothing on disk. */
    public static DataKey ephemeral() {
        byte[] bytes = new byte[KEY_BYTES];
        RANDOM.nextBytes(bytes);
        return new DataKey(bytes);
    }

    /**
     * Reads the key file, creating it with a fresh key (mode 0600) if it does not exist. Every node of a cluster
     * is given the same file.
     *
     * @throws IllegalArgumentException if the file is readable by others, or does not hold a 32-byte key
     */
    public static DataKey loadOrCreate(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            if (Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) {
                byte[] bytes = new byte[KEY_BYTES];
                RANDOM.nextBytes(bytes);
                try {
                    write(file, bytes);
                    return new DataKey(bytes);
                } catch (FileAlreadyExistsException raced) {
                    // Another node or process made it first: fall through and read theirs.
                }
            }
            return load(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the data key file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads an existing key file.
     *
     * @throws IllegalArgumentException if the file is missing, readable by others, or malformed
     */
    public static DataKey load(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("data key file " + file + " does not exist");
            }
            if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                if (!OWNER_ONLY.containsAll(perms)) {
                    throw new IllegalArgumentException("data key file " + file + " has mode "
                            + PosixFilePermissions.toString(perms) + "; it must be readable by its owner only"
                            + " (chmod 600 " + file + ")");
                }
            }
            String text = Files.readString(file).strip();
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("data key file " + file + " is not base64: " + e.getMessage());
            }
            if (bytes.length != KEY_BYTES) {
                throw new IllegalArgumentException("data key file " + file + " holds " + bytes.length
                        + " bytes; a data key is " + KEY_BYTES + " bytes of base64");
            }
            return new DataKey(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the data key file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        byte[] line = (Base64.getEncoder().encodeToString(bytes) + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (Files.getFileStore(parent == null ? Path.of(".") : parent).supportsFileAttributeView("posix")) {
            // Created 0600 atomically: there is never a moment when the key is on disk with looser permissions.
            Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY)).close();
            Files.write(file, line, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
        } else {
            Files.write(file, line, StandardOpenOption.CREATE_NEW, StandardOpenOption.SYNC);
        }
    }

    /** Seals {@code plaintext}, bound to {@code associatedData} (may be empty, never null). */
    public byte[] seal(byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(associatedData, "associatedData");
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            byte[] body = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(1 + NONCE_BYTES + body.length).put(VERSION).put(nonce).put(body).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JDK", e);
        }
    }

    /**
     * Opens a value {@link #seal sealed} with this key and the same associated data.
     *
     * @throws SealedValueException if the value was sealed with another key, for other associated data, or was
     *                              altered
     */
    public byte[] open(byte[] sealed, byte[] associatedData) {
        Objects.requireNonNull(sealed, "sealed");
        Objects.requireNonNull(associatedData, "associatedData");
        if (!isSealed(sealed)) {
            throw new SealedValueException("value is not sealed with a data key (version byte "
                    + (sealed.length == 0 ? "missing" : Byte.toString(sealed[0])) + ", " + sealed.length + " bytes)");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new SealedValueException("sealed value does not open with this data key: wrong key file,"
                    + " or the value was moved or altered");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JDK", e);
        }
    }

    /**
     * Whether {@code value} has the sealed layout (version byte and room for nonce and tag). Storage uses it to
     * tell rows written before sealing was introduced, which it re-seals, from sealed ones.
     */
    public static boolean isSealed(byte[] value) {
        return value != null && value.length >= 1 + NONCE_BYTES + TAG_BITS / 8 && value[0] == VERSION;
    }

    /** A short, non-secret fingerprint of the key (first 8 hex digits of SHA-256), so operators can compare nodes. */
    public String fingerprint() {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return java.util.HexFormat.of().formatHex(Arrays.copyOf(digest, 4));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "DataKey[" + fingerprint() + "]";
    }
}
