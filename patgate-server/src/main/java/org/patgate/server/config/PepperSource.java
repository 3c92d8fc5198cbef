package org.patgate.server.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.patgate.server.config.internal.PepperCodec;

/**
 * Finds the token pepper: the HMAC key for token digests. It never lives in the database, so a
 * stolen database alone does not allow offline guessing of tokens.
 *
 * <p>Order: {@code tokens.pepper} (env {@code PATGATE_TOKENS_PEPPER}) when non-empty, base64 or hex,
 * at least 32 bytes; otherwise the base64 text in {@code tokens.pepperFile}, which must not be
 * readable or writable by group or others. A missing file is generated (32 random bytes, created
 * with mode 600 and published atomically) only when asked to. Messages never contain the pepper.
 * Stateless and thread-safe; concurrent generators agree on one file.
 */
public final class PepperSource {

    private static final Set<PosixFilePermission> TOO_OPEN = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private PepperSource() {}

    /**
     * Returns the pepper bytes (a fresh array the caller may wipe).
     *
     * @param createIfMissing generate the pepper file when it does not exist (first start of a node)
     * @param announce        receives one line when a pepper file was generated, for the operator
     * @throws ConfigException naming {@code tokens.pepper} or {@code tokens.pepperFile} and the reason
     */
    public static byte[] resolve(TokensConfig tokens, boolean createIfMissing, Consumer<String> announce) {
        Objects.requireNonNull(announce, "announce");
        if (!tokens.pepper().isEmpty()) {
            try {
                return PepperCodec.decode(tokens.pepper());
            } catch (ConfigException e) {
                throw new ConfigException("tokens.pepper: " + e.getMessage());
            }
        }
        Path file = tokens.pepperFile();
        try {
            return read(file);
        } catch (NoSuchFileException e) {
            if (!createIfMissing) {
                throw new ConfigException("tokens.pepperFile: " + file + " does not exist; copy it from another"
                        + " node or set tokens.pepper (PATGATE_TOKENS_PEPPER)");
            }
        } catch (IOException e) {
            throw new ConfigException("tokens.pepperFile: cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            byte[] pepper = generate(file);
            announce.accept("generated a new token pepper in " + file
                    + "; back it up and give every cluster node the same one");
            return pepper;
        } catch (FileAlreadyExistsException e) {
            // Another process created it between our read and our publish: use theirs.
            try {
                return read(file);
            } catch (IOException again) {
                throw new ConfigException("tokens.pepperFile: cannot read " + file + ": " + again.getMessage(), again);
            }
        } catch (IOException e) {
            throw new ConfigException("tokens.pepperFile: cannot create " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix != null) {
            Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
            if (permissions.stream().anyMatch(TOO_OPEN::contains)) {
                throw new ConfigException("tokens.pepperFile: " + file + " is accessible by group or others ("
                        + PosixFilePermissions.toString(permissions) + "); run: chmod 600 " + file);
            }
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("tokens.pepperFile: " + file + " is not a regular file");
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        try {
            return PepperCodec.decode(text);
        } catch (ConfigException e) {
            throw new ConfigException("tokens.pepperFile: " + file + " " + e.getMessage());
        }
    }

    /**
     * Writes a temporary file created with mode 600 (never readable by others, not even briefly),
     * syncs it, then hard-links it to the final name: the link fails if the name exists, so a
     * concurrent generator never overwrites a pepper someone is already using.
     */
    private static byte[] generate(Path file) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        boolean posix = Files.getFileAttributeView(directory.getRoot(), PosixFileAttributeView.class) != null;
        FileAttribute<?>[] directoryAttributes = posix
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))
                }
                : new FileAttribute<?>[0];
        FileAttribute<?>[] fileAttributes = posix
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
                }
                : new FileAttribute<?>[0];
        Files.createDirectories(directory, directoryAttributes);
        byte[] pepper = new byte[PepperCodec.MIN_BYTES];
        new SecureRandom().nextBytes(pepper);
        Path temporary = Files.createTempFile(directory, ".pepper-", ".tmp", fileAttributes);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(
                        (Base64.getEncoder().encodeToString(pepper) + "\n").getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            try {
                Files.createLink(file.toAbsolutePath(), temporary);
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | FileSystemException e) {
                // No hard links on this file system: a plain move, which refuses an existing target.
                Files.move(temporary, file.toAbsolutePath());
            }
            return pepper;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
