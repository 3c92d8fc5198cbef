package org.patgate.server.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/patgate} as a user runs it: from any directory, with clear failures, and serving. */
class LauncherIT {

    static final Path LAUNCHER =
            Path.of("..", "bin", "patgate").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {}

    Run launch(Path workingDir, Map<String, String> env, String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().add(LAUNCHER.toString());
        builder.command().addAll(List.of(args));
        builder.directory(workingDir.toFile());
        builder.environment().putAll(env);
        builder.redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("launcher did not finish: " + List.of(args));
        }
        return new Run(
                process.exitValue(),
                Files.readString(dir.resolve("out.txt")),
                Files.readString(dir.resolve("err.txt")));
    }

    @Test
    void versionWorksFromAnyDirectory() throws Exception {
        Run run = launch(dir, Map.of(), "--version");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("PATgate 0.");
    }

    @Test
    void worksThroughASymlink() throws Exception {
        Path link = dir.resolve("patgate-link");
        Files.createSymbolicLink(link, LAUNCHER);
        Process process = new ProcessBuilder(link.toString(), "--version")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        assertThat(out).startsWith("PATgate ");
    }

    @Test
    void missingJarIsExplained() throws Exception {
        Run run = launch(dir, Map.of("PATGATE_JAR", dir.resolve("nope.jar").toString()), "--version");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("jar is missing").contains("./mvnw");
    }

    @Test
    void tooOldJavaIsRefusedWithAClearMessage() throws Exception {
        Path fakeHome = dir.resolve("old-jdk");
        Files.createDirectories(fakeHome.resolve("bin"));
        Path java = fakeHome.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho '    java.specification.version = 17' >&2\nexit 0\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

        // The too-old java is also first on the PATH, and no JDK 21+ is where the launcher looks for one.
        Run run = launch(
                dir,
                Map.of(
                        "JAVA_HOME",
                        fakeHome.toString(),
                        "PATH",
                        fakeHome.resolve("bin") + ":/usr/bin:/bin",
                        "PATGATE_JDK_SEARCH",
                        fakeHome.resolve("no-jdks").toString()),
                "--version");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains("needs Java 21 or newer")
                .contains("Java 17")
                .hasLineCount(1);
    }

    @Test
    void usageErrorExitsTwo() throws Exception {
        Run run = launch(dir, Map.of(), "no-such-command");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no-such-command");
    }

    @Test
    void serveStartsWithAConfigFileAndAnswersHealth() throws Exception {
        serveOnce(Map.of());

        assertThat(Files.exists(dir.resolve("data/pepper"))).isTrue();
        assertThat(Files.getPosixFilePermissions(dir.resolve("data/pepper")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void theFirstServeRecordsAnAheadOfTimeCacheThatLaterStartsUse() throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the ahead-of-time cache needs Java 25+");
        Path home = Files.createDirectories(dir.resolve("install"));
        Path jar = Files.copy(Path.of("target", "patgate.jar").toAbsolutePath(), home.resolve("patgate.jar"));
        Map<String, String> env = Map.of("PATGATE_JAR", jar.toString());

        serveOnce(env);
        List<Path> caches;
        try (var files = Files.list(home)) {
            caches = files.filter(f -> f.getFileName().toString().endsWith(".aot"))
                    .toList();
        }
        assertThat(caches).as("cache written when the first server stopped").hasSize(1);
        long written = Files.getLastModifiedTime(caches.getFirst()).toMillis();

        serveOnce(env);
        assertThat(Files.getLastModifiedTime(caches.getFirst()).toMillis())
                .as("used, not rewritten")
                .isEqualTo(written);
    }

    @Test
    void theAheadOfTimeCacheCanBeSwitchedOff() throws Exception {
        Path home = Files.createDirectories(dir.resolve("install"));
        Path jar = Files.copy(Path.of("target", "patgate.jar").toAbsolutePath(), home.resolve("patgate.jar"));

        serveOnce(Map.of("PATGATE_JAR", jar.toString(), "PATGATE_AOT", "off"));

        try (var files = Files.list(home)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("patgate.jar");
        }
    }

    /** Starts {@code bin/patgate serve} in {@link #dir}, checks health, and stops it (waiting for the exit). */
    private void serveOnce(Map<String, String> env) throws Exception {
        Path config = dir.resolve("patgate.yml");
        Files.writeString(config, """
                listen: { host: 127.0.0.1, port: 0 }
                database: { url: "jdbc:h2:file:./data/patgate" }
                tokens: { pepperFile: ./data/pepper }
                """);
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), "serve", "--config", config.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().put("PATGATE_BOOTSTRAP_ADMINPASSWORD", "launcher-admin-password");
        builder.environment().put("PATGATE_HEAP", "256m");
        builder.environment().putAll(env);
        Process process = builder.start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            URI base = awaitListening(out);
            HttpResponse<String> health = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(base.resolve("/.patgate/health"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");
            // SIGTERM without closing our end of the pipe (Process.destroy would), so the output can be
            // drained while the server stops, and it never blocks on a full pipe writing the cache.
            process.toHandle().destroy();
            while (out.readLine() != null) {
                // drain
            }
        } finally {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("serve did not stop within 60 s");
            }
        }
    }

    private static URI awaitListening(BufferedReader out) throws IOException {
        Pattern listening = Pattern.compile("PATgate listening on (http://\\S+) ");
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher matcher = listening.matcher(line);
            if (matcher.find()) {
                return URI.create(matcher.group(1));
            }
        }
        throw new AssertionError("server did not report listening; output:\n" + seen);
    }
}
