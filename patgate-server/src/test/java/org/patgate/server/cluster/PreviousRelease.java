package org.patgate.server.cluster;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.patgate.server.testing.FileTrees;

/**
 * The previous release of PATgate, built from this repository's own history: the commit is exported
 * with {@code git archive} into {@code target/} and its launcher jar built there with the wrapper, as
 * a developer would build it, tests not compiled. The build is kept (marked complete) so a second run
 * in the same {@code target/} reuses it.
 *
 * <p>Needs {@code git} and the commit in the clone's history: without them (a source archive, a
 * shallow clone) {@link #launcher()} aborts the calling test with an assumption naming the commit,
 * instead of failing it. A build that fails is a failure.
 *
 * <p>Not thread-safe: one test builds it.
 */
final class PreviousRelease {

    /** The last version before Data Center mode (29d9e0a); its schema is V13. In full: a short id may become ambiguous. */
    static final String COMMIT = "29d9e0a45e3c99d33fa673a7c121a33adfede9f5";

    private static final String SHORT = COMMIT.substring(0, 7);

    private static final long GIT_TIMEOUT_SECONDS = 60;
    private static final long BUILD_TIMEOUT_MINUTES = 10;
    private static final String COMPLETE = ".complete";

    private final Path repository;
    private final Path home;

    /**
     * @param repository the root of this checkout
     * @param target where the exported and built tree goes (its own directory below it)
     */
    PreviousRelease(Path repository, Path target) {
        this.repository = repository;
        this.home = target.resolve("previous-release-" + SHORT);
    }

    /** The previous release's {@code bin/patgate}, built on first use. */
    Path launcher() throws IOException, InterruptedException {
        Path launcher = home.resolve("bin").resolve("patgate");
        if (Files.exists(home.resolve(COMPLETE))) {
            return launcher;
        }
        assumeTrue(
                run(List.of("git", "--version"), repository) == 0,
                "git is not installed: cannot build the previous release " + COMMIT);
        assumeTrue(
                run(List.of("git", "-C", repository.toString(), "rev-parse", "--git-dir"), repository) == 0,
                "not a git checkout: cannot build the previous release " + COMMIT + " from its history");
        assumeTrue(
                run(List.of("git", "-C", repository.toString(), "cat-file", "-e", COMMIT + "^{commit}"), repository)
                        == 0,
                "commit " + COMMIT + " (the previous release) is not in this clone's history (a shallow clone?);"
                        + " run git fetch --unshallow to test the rolling upgrade");
        FileTrees.deleteQuietly(home);
        Files.createDirectories(home);
        Path archive = home.resolveSibling("previous-release-" + SHORT + ".tar");
        require(
                List.of(
                        "git",
                        "-C",
                        repository.toString(),
                        "archive",
                        "--format=tar",
                        "-o",
                        archive.toString(),
                        COMMIT),
                repository,
                "git archive " + COMMIT);
        require(List.of("tar", "-xf", archive.toString(), "-C", home.toString()), home, "unpacking " + COMMIT);
        Files.delete(archive);
        build();
        Files.writeString(home.resolve(COMPLETE), COMMIT);
        return launcher;
    }

    /**
     * Offline first, from the local repository this build filled; if something the old release needs
     * is not there, once more online.
     */
    private void build() throws IOException, InterruptedException {
        Path log = home.resolve("build.log");
        if (build(true, log) != 0 && build(false, log) != 0
                || !Files.exists(home.resolve("patgate-server/target/patgate.jar"))) {
            throw new AssertionError("building " + COMMIT + " failed; log:\n" + tail(log));
        }
    }

    private int build(boolean offline, Path log) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(home.resolve("mvnw").toString(), "-q"));
        if (offline) {
            command.add("-o");
        }
        String repositoryLocal = System.getProperty("patgate.test.mavenRepoLocal", "");
        if (!repositoryLocal.isBlank()) {
            command.add("-Dmaven.repo.local=" + repositoryLocal);
        }
        // Tests of the old release are not compiled, so its build takes about a minute.
        command.addAll(
                List.of("-pl", "patgate-core,patgate-server", "-am", "package", "-Dmaven.test.skip=true", "-DskipITs"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // The Java this test runs on: the wrapper takes JAVA_HOME when it is 21 or newer.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process maven = builder.start();
        if (!maven.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            maven.destroyForcibly();
            throw new AssertionError(
                    "building " + COMMIT + " took over " + BUILD_TIMEOUT_MINUTES + " min; log:\n" + tail(log));
        }
        return maven.exitValue();
    }

    private static int run(List<String> command, Path directory) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!process.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            return -1; // not installed
        }
    }

    private static void require(List<String> command, Path directory, String what) throws InterruptedException {
        int exit = run(command, directory);
        if (exit != 0) {
            throw new AssertionError(what + " failed (exit " + exit + "): " + String.join(" ", command));
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
