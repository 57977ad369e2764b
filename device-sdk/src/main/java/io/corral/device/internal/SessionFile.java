package io.corral.device.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Hashtable;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CertificateType;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsRawKeyCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A resumable DTLS session in a file, so a device can resume it after a reboot.
 *
 * <p>What a resumption needs is written as JSON: session id, cipher suite, version, the extended-master-secret
 * flag, the master secret and the server's extensions. The certificates are not: with raw public keys the
 * cloud's is the pinned key and ours is in the credentials, so both are rebuilt from the {@link DtlsIdentity}.
 * The master secret is as secret as the device key, so the file is written owner-only, and atomically, so a
 * crash mid-write leaves the previous session. A file that cannot be read is ignored: the device falls back to a
 * full handshake, which is always correct.
 */
final class SessionFile {
    private static final Logger LOG = LoggerFactory.getLogger(SessionFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FORMAT = 1;

    private final Path path;
    private final DtlsIdentity identity;
    private final BcTlsCrypto crypto;

    SessionFile(Path path, DtlsIdentity identity, BcTlsCrypto crypto) {
        this.path = path;
        this.identity = identity;
        this.crypto = crypto;
    }

    /** The file's form; byte arrays are base64 in JSON. */
    record Stored(@JsonProperty("format") int format, @JsonProperty("session_id") byte[] sessionId,
                  @JsonProperty("cipher_suite") int cipherSuite, @JsonProperty("version_major") int versionMajor,
                  @JsonProperty("version_minor") int versionMinor,
                  @JsonProperty("extended_master_secret") boolean extendedMasterSecret,
                  @JsonProperty("master_secret") byte[] masterSecret,
                  @JsonProperty("server_extensions") Map<Integer, byte[]> serverExtensions) {
    }

    /** The stored session, or null when there is none or it cannot be used. */
    ResumableSession load() {
        if (!Files.isRegularFile(path)) {
            return null;
        }
        try {
            Stored stored = JSON.readValue(path.toFile(), Stored.class);
            if (stored.format() != FORMAT || stored.sessionId() == null || stored.sessionId().length == 0
                    || stored.masterSecret() == null) {
                LOG.warn("session file {} is not a format-{} session; ignoring it", path, FORMAT);
                return null;
            }
            Hashtable<Integer, byte[]> extensions = new Hashtable<>();
            if (stored.serverExtensions() != null) {
                extensions.putAll(stored.serverExtensions());
            }
            return new ResumableSession(stored.sessionId(), stored.cipherSuite(),
                    ProtocolVersion.get(stored.versionMajor(), stored.versionMinor()), stored.extendedMasterSecret(),
                    stored.masterSecret(), extensions,
                    identity.isPsk() ? null : rawKeyCertificate(identity.pinnedCloudKeySpki()),
                    identity.isPsk() ? null : rawKeyCertificate(identity.publicKeySpki()),
                    identity.isPsk() ? identity.pskIdentity() : null);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read the session file {} ({}); the next handshake is a full one", path, e.toString());
            return null;
        }
    }

    /** Writes the session; a failure is logged, never thrown, since the device works without it. */
    void save(ResumableSession session) {
        try {
            Map<Integer, byte[]> extensions = new TreeMap<>();
            if (session.serverExtensions() != null) {
                session.serverExtensions().forEach((key, value) -> extensions.put((Integer) key, (byte[]) value));
            }
            Stored stored = new Stored(FORMAT, session.sessionId(), session.cipherSuite(),
                    session.version().getMajorVersion(), session.version().getMinorVersion(),
                    session.extendedMasterSecret(), session.masterSecret(), extensions);
            Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
            Files.write(temporary, JSON.writeValueAsBytes(stored));
            ownerOnly(temporary);
            try {
                Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write the session file {} ({}); a restart will cost a full handshake", path, e.toString());
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("cannot delete the session file {} ({})", path, e.toString());
        }
    }

    private Certificate rawKeyCertificate(byte[] spki) {
        return new Certificate(CertificateType.RawPublicKey, null,
                new CertificateEntry[] {new CertificateEntry(new BcTlsRawKeyCertificate(crypto, spki), null)});
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // The file keeps the file system's default permissions.
        }
    }
}
