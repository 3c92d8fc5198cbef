package org.patgate.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaging section of docs/cluster.md and the files under deploy/, as the tests read them: what the
 * page tells an operator to run is what the tests run. Stateless.
 */
final class PackagingDoc {

    static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    static final Path DEPLOY = REPOSITORY.resolve("deploy");
    static final Path PAGE = REPOSITORY.resolve("docs/cluster.md");
    private static final String MARKER = "<!-- section: packaging -->";
    private static final Pattern SH_BLOCK = Pattern.compile("(?ms)^```sh\\n(.*?)^```$");

    private PackagingDoc() {}

    /** The {@code sh} blocks of the packaging section, in page order. */
    static List<String> shellBlocks() {
        Matcher block = SH_BLOCK.matcher(section());
        List<String> blocks = new ArrayList<>();
        while (block.find()) {
            blocks.add(block.group(1));
        }
        return blocks;
    }

    /** The first {@code sh} block of the packaging section that contains {@code text}. */
    static String shellBlockWith(String text) {
        return shellBlocks().stream()
                .filter(b -> b.contains(text))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no sh block with '" + text + "' in " + PAGE));
    }

    /** The page from the packaging marker to the next section marker (or the end). */
    static String section() {
        String page = read(PAGE);
        int start = page.indexOf(MARKER);
        assertThat(start).as("the packaging marker in docs/cluster.md").isNotNegative();
        int end = page.indexOf("<!-- section:", start + MARKER.length());
        return page.substring(start, end < 0 ? page.length() : end);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
