package org.patgate.server.upstream;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.patgate.core.token.TokenFormat;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.audit.SecretRedactor;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.CredentialKeySource;
import org.patgate.server.config.CredentialKeys;
import org.patgate.server.store.Database;
import org.patgate.server.store.UpstreamLinkRecord;

/**
 * Rotates the keys of {@code upstream.credentialKeyFile}: a new key becomes current, every stored
 * native credential is encrypted again under it in one transaction, then the keys no stored
 * credential uses any more leave the file. Each step leaves a state that decrypts everything, so a
 * crash at any point loses nothing: the file is rewritten atomically, the old key stays in it until
 * no row uses it, and a failed re-encryption rolls back (the new key then simply waits unused).
 * Audited as {@code upstream-link.rekeyed}. Two rotations of one file never run at once (a lock on
 * the sibling file {@code <keyFile>.lock}); a rotation on another machine with its own copy of the
 * file fails on the first credential it cannot decrypt, rolling back. Nodes with an older copy of
 * the file must be given the new one before they can decrypt again ({@link CredentialCipher} built on
 * the file picks it up without a restart).
 */
public final class CredentialKeyRotation {

    static final String REKEYED = "upstream-link.rekeyed";

    private final Database database;
    private final AuditLog audit;

    public CredentialKeyRotation(Database database, AuditLog audit) {
        this.database = Objects.requireNonNull(database, "database");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /** A rotation auditing into {@code database} with the system clock, for the command line. */
    public static CredentialKeyRotation of(Database database, String tokenPrefix) {
        return new CredentialKeyRotation(
                database,
                new AuditLog(database.audit(), Clock.systemUTC(), new SecretRedactor(new TokenFormat(tokenPrefix))));
    }

    /** What a rotation did: the new current key, how many credentials it re-encrypted, which keys left the file. */
    public record Result(String newKeyId, int reencrypted, List<String> droppedKeyIds) {
        public Result {
            droppedKeyIds = List.copyOf(droppedKeyIds);
        }
    }

    /**
     * Rotates the keys in {@code keyFile}, which must exist.
     *
     * @throws ConfigException              the file is missing, too open, malformed or cannot be written,
     *                                       or another rotation of it is running
     * @throws CredentialDecryptionException a stored credential does not decrypt (nothing was re-encrypted; unlink
     *                                       that user or restore the key file, then run again)
     */
    public Result rotate(Path keyFile) {
        // Missing, too open or malformed: said before anything is created beside it.
        CredentialKeySource.read(keyFile, false, line -> {});
        Path lockFile = keyFile.resolveSibling(keyFile.getFileName() + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new ConfigException(
                        "upstream.credentialKeyFile: another rotation of " + keyFile + " is running; try again later");
            }
            try (lock) {
                return rotateLocked(keyFile);
            }
        } catch (IOException e) {
            throw new ConfigException("upstream.credentialKeyFile: cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
    }

    /** The lock, or null when another process (or another thread of this one) holds it. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private Result rotateLocked(Path keyFile) {
        CredentialKeys before = CredentialKeySource.read(keyFile, false, line -> {});
        CredentialKeys rotated = before.withNewCurrent();
        // Step 1: the new key joins the file as current; every old key stays.
        CredentialKeySource.write(keyFile, rotated);
        CredentialCipher cipher = new CredentialCipher(rotated);
        // Step 2: every stored credential is encrypted again under the new key, all or nothing.
        int reencrypted = database.inTransaction("re-encrypt upstream credentials", () -> {
            int count = 0;
            for (UpstreamLinkRecord link : database.upstreamLinks().lockAllWithSecrets()) {
                if (link.keyId().equals(rotated.currentId())) {
                    continue;
                }
                String secret = cipher.decrypt(
                        new CredentialCipher.Sealed(link.keyId(), link.nonce(), link.ciphertext()),
                        link.userId(),
                        link.kind());
                CredentialCipher.Sealed sealed = cipher.encrypt(secret, link.userId(), link.kind());
                if (database.upstreamLinks().reseal(link, sealed.keyId(), sealed.nonce(), sealed.ciphertext())) {
                    count++;
                }
            }
            return count;
        });
        // Step 3: keys no row uses leave the file (a row written meanwhile under an old key keeps its key).
        Set<String> inUse = database.upstreamLinks().keyIdsInUse();
        CredentialKeys after = rotated.retaining(inUse);
        List<String> dropped = new ArrayList<>(rotated.ids());
        dropped.removeAll(after.ids());
        if (!dropped.isEmpty()) {
            CredentialKeySource.write(keyFile, after);
        }
        audit.success(
                UpstreamLinks.SYSTEM,
                REKEYED,
                "upstream.credentialKeyFile",
                null,
                "new key " + rotated.currentId() + "; re-encrypted " + reencrypted + "; dropped keys "
                        + (dropped.isEmpty() ? "none" : String.join(",", dropped)));
        return new Result(rotated.currentId(), reencrypted, dropped);
    }
}
