package org.patgate.server.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Recursive deletion for test fixtures' scratch directories. */
public final class FileTrees {

    private FileTrees() {}

    /** Deletes {@code root} and everything below it; leftovers are ignored (best effort on shutdown). */
    public static void deleteQuietly(Path root) {
        if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // best effort: a leftover temp file must not fail a test run
                }
            });
        } catch (IOException ignored) {
            // best effort, as above
        }
    }
}
