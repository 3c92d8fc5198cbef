package org.patgate.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/security.md from citing proof that does not exist: every test class it names exists,
 * every test method it names is declared in some test, every crafted-request case it quotes for
 * {@code BypassTest} is one of that test's cases, and its links to other docs resolve.
 */
class SecurityDocTest {

    static final Path DOC = Path.of("../docs/security.md");
    private static final List<Path> TEST_ROOTS =
            List.of(Path.of("src/test/java"), Path.of("../patgate-core/src/test/java"));

    static String doc;
    static String allTests;
    static Set<String> testClasses;

    @BeforeAll
    static void read() throws IOException {
        doc = Files.readString(DOC);
        StringBuilder sources = new StringBuilder();
        testClasses = new LinkedHashSet<>();
        for (Path root : TEST_ROOTS) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    testClasses.add(file.getFileName().toString().replace(".java", ""));
                    sources.append(readString(file)).append('\n');
                }
            }
        }
        allTests = sources.toString();
    }

    @Test
    void everyNamedTestClassExists() {
        Set<String> named = matches("`([A-Z][A-Za-z0-9]*(?:Test|IT))`");

        assertThat(named).as("test classes named in docs/security.md").hasSizeGreaterThan(20);
        assertThat(testClasses).containsAll(named);
    }

    @Test
    void everyNamedTestMethodIsDeclared() {
        // Backticked camelCase words of 16+ characters are test method names (config keys carry dots).
        Set<String> named = matches("`([a-z][a-z0-9]*[A-Z][A-Za-z0-9]{10,})`");

        assertThat(named).as("test methods named in docs/security.md").hasSizeGreaterThan(20);
        assertThat(named)
                .allSatisfy(method ->
                        assertThat(allTests).as("a test declares " + method).contains("void " + method + "("));
    }

    @Test
    void everyQuotedBypassCaseIsACaseOfBypassTest() {
        String bypass = readString(TEST_ROOTS.getFirst().resolve("org/patgate/server/gateway/BypassTest.java"));
        Matcher citations = Pattern.compile("`BypassTest` \\(([^)]*)\\)").matcher(doc);
        Set<String> quoted = new LinkedHashSet<>();
        while (citations.find()) {
            Matcher phrase =
                    Pattern.compile("\"([^\"]+)\"").matcher(citations.group(1).replace('\n', ' '));
            while (phrase.find()) {
                quoted.add(phrase.group(1));
            }
        }

        assertThat(quoted).hasSizeGreaterThan(10);
        assertThat(quoted)
                .allSatisfy(name -> assertThat(bypass)
                        .as("case \"" + name + "\"")
                        .containsPattern("\\(\\s*" + Pattern.quote("\"" + name + "\"")));
    }

    @Test
    void linksToOtherDocsResolve() {
        Set<String> links = matches("\\]\\(([a-z-]+\\.md)(?:#[a-z-]+)?\\)");

        assertThat(links).contains("path-normalisation.md", "token-format.md");
        assertThat(links)
                .allSatisfy(link -> assertThat(DOC.resolveSibling(link)).exists());
    }

    private static Set<String> matches(String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(doc);
        Set<String> found = new LinkedHashSet<>();
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
