package org.patgate.server.config.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.patgate.server.config.ConfigException;

/**
 * Files that hold key material outside the database (the token pepper, the upstream credential
 * keys): read only when neither group nor others may read or write them, created with mode 600 from
 * the first byte and published atomically, replaced atomically. Every message names the
 * configuration key and the file, never the content. Stateless and thread-safe; concurrent creators
 * agree on one file.
 */
public final class KeyFiles {

    private static final Set<PosixFilePermission> TOO_OPEN = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private KeyFiles() {}

    /**
     * What to do with one kind of key file.
     *
     * @param key           the configuration key naming the file, first in every message
     * @param missingAdvice what to do when the file is missing and may not be created, after "does not exist; "
     * @param parse         turns the text into the keys; throws {@link ConfigException} with a message that
     *                      follows the file name (e.g. "must be base64") and holds no key material
     * @param generate      the text of a new file
     * @param announcement  the line for the operator after this process created the file
     */
    public record Spec<T>(
            String key,
            String missingAdvice,
            Function<String, T> parse,
            Supplier<String> generate,
            String announcement) {
        public Spec {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(missingAdvice, "missingAdvice");
            Objects.requireNonNull(parse, "parse");
            Objects.requireNonNull(generate, "generate");
            Objects.requireNonNull(announcement, "announcement");
        }
    }

    /**
     * Reads and parses {@code file}; when it does not exist and {@code createIfMissing}, generates it
     * (mode 600, published atomically) and announces that. When another process publishes the file
     * first, its content wins and nothing is announced.
     *
     * @throws ConfigException naming {@code spec.key()} and the file
     */
    public static <T> T readOrCreate(Path file, boolean createIfMissing, Spec<T> spec, Consumer<String> announce) {
        Objects.requireNonNull(announce, "announce");
        try {
            return parse(file, readOwnerOnly(file, spec.key()), spec);
        } catch (NoSuchFileException e) {
            if (!createIfMissing) {
                throw new ConfigException(spec.key() + ": " + file + " does not exist; " + spec.missingAdvice());
            }
        } catch (IOException e) {
            throw cannot("read", file, spec.key(), e);
        }
        String text = spec.generate().get();
        T parsed = parse(file, text, spec);
        try {
            createOwnerOnly(file, text);
        } catch (FileAlreadyExistsException e) {
            // Another process created it between our read and our publish: use theirs.
            try {
                return parse(file, readOwnerOnly(file, spec.key()), spec);
            } catch (IOException again) {
                throw cannot("read", file, spec.key(), again);
            }
        } catch (IOException e) {
            throw cannot("create", file, spec.key(), e);
        }
        announce.accept(spec.announcement());
        return parsed;
    }

    /**
     * The text of {@code file} (US-ASCII), after checking that neither group nor others may read or
     * write it and that it is a regular file.
     *
     * @throws NoSuchFileException when it does not exist
     * @throws ConfigException     naming {@code key} when it is too open or not a regular file
     */
    public static String readOwnerOnly(Path file, String key) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix != null) {
            Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
            if (permissions.stream().anyMatch(TOO_OPEN::contains)) {
                throw new ConfigException(key + ": " + file + " is accessible by group or others ("
                        + PosixFilePermissions.toString(permissions) + "); run: chmod 600 " + file);
            }
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(key + ": " + file + " is not a regular file");
        }
        return Files.readString(file, StandardCharsets.US_ASCII);
    }

    /**
     * Publishes a new file holding {@code text}: a temporary file created with mode 600 (never
     * readable by others, not even briefly) is written and synced, then hard-linked to the final
     * name. The link fails when the name exists, so a concurrent creator never overwrites a file
     * someone already uses.
     *
     * @throws FileAlreadyExistsException when {@code file} exists
     */
    public static void createOwnerOnly(Path file, String text) throws IOException {
        Path target = file.toAbsolutePath();
        Path temporary = writeTemporary(target, text);
        try {
            try {
                Files.createLink(target, temporary);
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | FileSystemException e) {
                // No hard links on this file system: a plain move, which refuses an existing target.
                Files.move(temporary, target);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Replaces the content of {@code file} with {@code text} atomically: a reader sees the old file
     * or the new one, never a mix, and a crash leaves one of the two. The new file has mode 600.
     */
    public static void replaceOwnerOnly(Path file, String text) throws IOException {
        Path target = file.toAbsolutePath();
        Path temporary = writeTemporary(target, text);
        try {
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** A synced temporary file beside {@code target}, mode 600 from creation; the directory is made 700 if missing. */
    private static Path writeTemporary(Path target, String text) throws IOException {
        Path directory = target.getParent();
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
        Path temporary = Files.createTempFile(directory, "." + target.getFileName() + "-", ".tmp", fileAttributes);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        return temporary;
    }

    private static <T> T parse(Path file, String text, Spec<T> spec) {
        try {
            return spec.parse().apply(text);
        } catch (ConfigException e) {
            throw new ConfigException(spec.key() + ": " + file + " " + e.getMessage());
        }
    }

    private static ConfigException cannot(String what, Path file, String key, IOException e) {
        return new ConfigException(key + ": cannot " + what + " " + file + ": " + e.getMessage(), e);
    }
}
