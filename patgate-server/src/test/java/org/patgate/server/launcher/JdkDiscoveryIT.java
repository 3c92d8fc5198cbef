package org.patgate.server.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's commands work where the default {@code java} is older than 21 while a JDK 21+ is
 * installed: {@code ./mvnw} and {@code bin/patgate} find it (bin/jdk.sh); with no JDK 21+ anywhere
 * they say in one line what to install. {@code ./mvnw --version} proves the JDK Maven runs on
 * without a nested build.
 */
class JdkDiscoveryIT {

    static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    static final Path WRAPPER = REPOSITORY.resolve("mvnw");
    static final Path THIS_JDK = Path.of(System.getProperty("java.home"));

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {}

    /** The links to an installed JDK go before the temporary directory does (its clean-up warns about them). */
    @AfterEach
    void removeLinks() throws IOException {
        for (String tool : List.of("java", "javac")) {
            Files.deleteIfExists(dir.resolve("old-java-bin").resolve(tool));
        }
    }

    private Run run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(REPOSITORY.toFile());
        builder.environment().remove("JAVA_HOME");
        builder.environment().remove("PATGATE_JDK_SEARCH");
        builder.environment().remove("MAVEN_ARGS");
        builder.environment().putAll(env);
        builder.redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not finish: " + List.of(command));
        }
        return new Run(
                process.exitValue(),
                Files.readString(dir.resolve("out.txt")),
                Files.readString(dir.resolve("err.txt")));
    }

    /**
     * A directory to put first on the PATH whose {@code java} and {@code javac} are an installed JDK
     * older than 21 when there is one (and {@code preferInstalled}), else a stand-in that reports
     * Java 17 like one.
     */
    private Path pathWithAnOldJava(boolean preferInstalled) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("old-java-bin"));
        Optional<Path> oldJdk = preferInstalled ? installedJdkOlderThan21() : Optional.empty();
        for (String tool : List.of("java", "javac")) {
            if (oldJdk.isPresent()) {
                Files.createSymbolicLink(
                        bin.resolve(tool), oldJdk.get().resolve("bin").resolve(tool));
            } else {
                Path fake = Files.writeString(
                        bin.resolve(tool),
                        "#!/bin/sh\necho '    java.specification.version = 17' >&2\necho 'openjdk version \"17\"' >&2\n");
                Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        return bin;
    }

    private static Optional<Path> installedJdkOlderThan21() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        Pattern version = Pattern.compile("(?m)^JAVA_VERSION=\"(?:1\\.)?(\\d+)");
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/javac")))
                    .filter(home -> {
                        try {
                            Matcher matcher = version.matcher(Files.readString(home.resolve("release")));
                            return matcher.find() && Integer.parseInt(matcher.group(1)) < 21;
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .findFirst();
        }
    }

    /** PATH: the old java first, then the system tools the scripts need. */
    private static String path(Path oldJavaBin) {
        return oldJavaBin + ":/usr/bin:/bin";
    }

    /** Where the JDK running this test sits, unless the default search places already cover it. */
    private static Map<String, String> searchFindingThisJdk() {
        return THIS_JDK.startsWith("/usr/lib/jvm")
                ? Map.of()
                : Map.of("PATGATE_JDK_SEARCH", THIS_JDK.getParent().toString());
    }

    @Test
    void theWrapperBuildsWithAJdk21PlusWhenTheDefaultJavaIsOlder() throws Exception {
        Map<String, String> env = new HashMap<>(searchFindingThisJdk());
        env.put("PATH", path(pathWithAnOldJava(true)));

        Run run = run(env, WRAPPER.toString(), "--version");

        assertThat(run.exitCode()).as(run.err()).isZero();
        Matcher java = Pattern.compile("Java version: (\\d+)[^,]*, vendor: [^,]*, runtime: (\\S+)")
                .matcher(run.out());
        assertThat(java.find()).as(run.out()).isTrue();
        assertThat(Integer.parseInt(java.group(1))).isGreaterThanOrEqualTo(21);
        assertThat(run.err()).contains("building with JDK " + java.group(1) + " in " + java.group(2));
    }

    @Test
    void theWrapperBuildsWithAJdk21PlusWhenJavaHomeIsOlder() throws Exception {
        Path oldBin = pathWithAnOldJava(true);
        Map<String, String> env = new HashMap<>(searchFindingThisJdk());
        env.put("PATH", path(oldBin));
        env.put(
                "JAVA_HOME",
                oldBin.resolve("java").toRealPath().getParent().getParent().toString());

        Run run = run(env, WRAPPER.toString(), "-q", "--version");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).as("-q keeps the wrapper quiet too").doesNotContain("building with");
        Run verbose = run(env, WRAPPER.toString(), "--version");
        assertThat(verbose.err()).startsWith("mvnw: JAVA_HOME (" + env.get("JAVA_HOME") + ") is ");
        Matcher java = Pattern.compile("Java version: (\\d+)").matcher(verbose.out());
        assertThat(java.find()).as(verbose.out()).isTrue();
        assertThat(Integer.parseInt(java.group(1))).isGreaterThanOrEqualTo(21);
    }

    @Test
    void theWrapperSaysInOneLineWhatToInstallWhenNoJdk21IsFound() throws Exception {
        Path nowhere = Files.createDirectories(dir.resolve("no-jdks-here"));

        Run run = run(
                Map.of("PATH", path(pathWithAnOldJava(false)), "PATGATE_JDK_SEARCH", nowhere.toString()),
                WRAPPER.toString(),
                "-q",
                "package",
                "-DskipTests");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .hasLineCount(1)
                .startsWith(
                        "mvnw: PATgate needs a JDK 21 or newer to build, but java on the PATH is Java 17, and no JDK 21+"
                                + " is in " + nowhere + "; install one (e.g. Temurin 21");
    }

    @Test
    void theLauncherRunsOnAJdk21PlusWhenTheDefaultJavaIsOlder() throws Exception {
        Map<String, String> env = new HashMap<>(searchFindingThisJdk());
        env.put("PATH", path(pathWithAnOldJava(true)));

        Run run = run(env, LauncherIT.LAUNCHER.toString(), "--version");

        assertThat(run.exitCode()).as(run.err()).isZero();
        Matcher java = Pattern.compile("(?m)^Java (\\d+)").matcher(run.out());
        assertThat(java.find()).as(run.out()).isTrue();
        assertThat(Integer.parseInt(java.group(1))).isGreaterThanOrEqualTo(21);
    }

    @Test
    void theLauncherPassesOverAnOlderJavaHomeAndSaysSoInOneLine() throws Exception {
        Path oldBin = pathWithAnOldJava(false);
        Path oldHome = oldBin.getParent().resolve("old-jdk");
        Files.createDirectories(oldHome.resolve("bin"));
        Files.copy(oldBin.resolve("java"), oldHome.resolve("bin/java"));
        Map<String, String> env = new HashMap<>(searchFindingThisJdk());
        env.put("PATH", path(oldBin));
        env.put("JAVA_HOME", oldHome.toString());

        Run run = run(env, LauncherIT.LAUNCHER.toString(), "--version");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err())
                .hasLineCount(1)
                .startsWith("patgate: JAVA_HOME (" + oldHome + ") is Java 17 and java on the"
                        + " PATH is Java 17; using Java ");
        Matcher java = Pattern.compile("(?m)^Java (\\d+)").matcher(run.out());
        assertThat(java.find()).as(run.out()).isTrue();
        assertThat(Integer.parseInt(java.group(1))).isGreaterThanOrEqualTo(21);
    }

    @Test
    void theLauncherSaysInOneLineWhatToInstallWhenNoJava21IsFound() throws Exception {
        Path nowhere = Files.createDirectories(dir.resolve("no-jdks-here"));

        Run run = run(
                Map.of("PATH", path(pathWithAnOldJava(false)), "PATGATE_JDK_SEARCH", nowhere.toString()),
                LauncherIT.LAUNCHER.toString(),
                "demo");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .hasLineCount(1)
                .startsWith("patgate: PATgate needs Java 21 or newer, but java on the PATH is Java 17, and no JDK 21+")
                .contains("install one (e.g. Temurin 21");
    }
}
