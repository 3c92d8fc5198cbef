package org.patgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patgate.server.config.internal.ConfigKeys;

/**
 * Keeps docs/architecture.md true against the code: the floors in its picture are the floors
 * {@link ArchitectureTest} enforces, and every class, package and method it names in backticks
 * ({@code gateway.GatewayHandler}, {@code TokenRepository.findByDigest}, {@code rest.passwordAuth})
 * exists in the main sources or the configuration.
 */
class ArchitectureDocTest {

    static final Path DOC = Path.of("../docs/architecture.md");
    static final Path SERVER = Path.of("src/main/java/org/patgate/server");
    static final Path CORE = Path.of("../patgate-core/src/main/java/org/patgate/core");
    /** The tests the page names. */
    static final Set<String> TESTS_NAMED = Set.of("ArchitectureTest", "ArchitectureDocTest");

    /** HTTP header and method names the page mentions; every other capitalised name must be ours. */
    static final Set<String> HTTP_WORDS =
            Set.of("Authorization", "Destination", "Location", "Forwarded", "COPY", "MOVE");

    private static final Pattern CODE = Pattern.compile("`([A-Za-z][A-Za-z0-9_.]*)`");
    private static final Pattern DECLARATION =
            Pattern.compile("\\b(?:class|interface|record|enum)\\s+([A-Z][A-Za-z0-9_]*)");

    static String doc;
    static Set<String> declaredTypes;
    static Map<String, Path> typeFiles;
    static String allSources;

    @BeforeAll
    static void read() throws IOException {
        doc = Files.readString(DOC);
        declaredTypes = new TreeSet<>();
        typeFiles = new HashMap<>();
        StringBuilder sources = new StringBuilder();
        for (Path root : List.of(SERVER, CORE)) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String source = Files.readString(file);
                    typeFiles.put(file.getFileName().toString().replace(".java", ""), file);
                    sources.append(source).append('\n');
                    Matcher declarations = DECLARATION.matcher(source);
                    while (declarations.find()) {
                        declaredTypes.add(declarations.group(1));
                    }
                }
            }
        }
        allSources = sources.toString();
    }

    @Test
    void thePictureShowsTheFloorsTheArchitectureTestEnforces() {
        assertThat(floor("LAUNCH")).isEqualTo(packages(ArchitectureTest.LAUNCH));
        assertThat(floor("EDGE")).isEqualTo(packages(ArchitectureTest.EDGE));
        assertThat(floor("SERVICES")).isEqualTo(packages(ArchitectureTest.SERVICES));
        assertThat(floor("FOUNDATION")).isEqualTo(packages(ArchitectureTest.FOUNDATION));
    }

    @Test
    void everyNameInBackticksExists() throws IOException {
        Set<String> missing = new LinkedHashSet<>();
        Matcher code = CODE.matcher(doc);
        int checked = 0;
        while (code.find()) {
            String name = code.group(1);
            if (!name.contains(".") && !Character.isUpperCase(name.charAt(0))) {
                continue; // a word such as `block` or `pending`, not a name from the code
            }
            checked++;
            if (!exists(name)) {
                missing.add(name);
            }
        }

        assertThat(checked).as("names checked in docs/architecture.md").isGreaterThan(60);
        assertThat(missing)
                .as("names in docs/architecture.md that the code does not have")
                .isEmpty();
    }

    /**
     * {@code pkg.Type[.member]} is looked up as a file under the server's (or, for {@code core.},
     * the core's) sources; {@code Type[.member]} as a type declared anywhere in them. A lower-case
     * member must occur as a word in the type's file (in any source for a nested type); an
     * upper-case one must be a declared type.
     */
    private static boolean exists(String name) throws IOException {
        List<String> parts = Arrays.asList(name.split("\\."));
        int type = 0;
        while (type < parts.size() && !Character.isUpperCase(parts.get(type).charAt(0))) {
            type++;
        }
        if (type == parts.size()) {
            // A package (`core.token`), a configuration key (`rest.passwordAuth`) or a name the code
            // spells as a string, such as the audit action `token.create`.
            return Files.isDirectory(directory(parts))
                    || ConfigKeys.byPath(name).isPresent()
                    || allSources.contains("\"" + name + "\"");
        }
        List<String> packagePath = parts.subList(0, type);
        String typeName = parts.get(type);
        List<String> members = parts.subList(type + 1, parts.size());
        if (HTTP_WORDS.contains(name)) {
            return true;
        }
        Path file;
        if (packagePath.isEmpty()) {
            if (!declaredTypes.contains(typeName) && !TESTS_NAMED.contains(typeName)) {
                return false;
            }
            file = typeFiles.get(typeName); // null for a nested type: its members are looked for everywhere
        } else {
            file = directory(packagePath).resolve(typeName + ".java");
            if (!Files.isRegularFile(file)) {
                return false;
            }
        }
        for (String member : members) {
            if (Character.isUpperCase(member.charAt(0))) {
                if (!declaredTypes.contains(member)) {
                    return false;
                }
            } else if (!Pattern.compile("\\b" + member + "\\b")
                    .matcher(file == null ? allSources : Files.readString(file))
                    .find()) {
                return false;
            }
        }
        return true;
    }

    private static Path directory(List<String> packagePath) {
        boolean core = packagePath.getFirst().equals("core");
        Path dir = core ? CORE : SERVER;
        for (String part : core ? packagePath.subList(1, packagePath.size()) : packagePath) {
            dir = dir.resolve(part);
        }
        return dir;
    }

    /** The packages on the picture's line for {@code floor}, e.g. {@code │ EDGE  gateway · api · …}. */
    private static Set<String> floor(String floor) {
        Matcher line = Pattern.compile("(?m)^\\W*" + floor + "\\s+(.+?)\\s*│?$").matcher(doc);
        assertThat(line.find()).as("the picture has a line for " + floor).isTrue();
        return new TreeSet<>(Arrays.asList(line.group(1).split("\\s*·\\s*")));
    }

    private static Set<String> packages(String[] patterns) {
        Set<String> names = new TreeSet<>();
        for (String pattern : patterns) {
            names.add(pattern.substring("org.patgate.server.".length(), pattern.length() - "..".length()));
        }
        return names;
    }
}
