package org.patgate.server.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that cannot serve does nothing irreversible: {@code bin/patgate serve} and {@code demo}
 * refuse a busy port, a foreign listen address and a configuration that would hand identity to the
 * client with one line and a non-zero exit, having created no data directory, pepper or database
 * and printed no admin password.
 */
class StartupIT {

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {}

    /** Runs the launcher in an empty working directory {@code work}; output goes to files beside it. */
    private Run launch(Path work, Map<String, String> env, String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().add(LauncherIT.LAUNCHER.toString());
        builder.command().addAll(List.of(args));
        builder.directory(work.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("PATGATE_"));
        environment.put("PATGATE_AOT", "off");
        environment.put("PATGATE_HEAP", "256m");
        environment.putAll(env);
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

    private Path emptyWorkingDirectory() throws IOException {
        return Files.createDirectories(dir.resolve("work"));
    }

    private static List<Path> contentsOf(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(path -> !path.equals(directory)).toList();
        }
    }

    @Test
    void serveOnABusyPortSaysSoInOneLineAndCreatesNothing() throws Exception {
        Path work = emptyWorkingDirectory();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            // No admin password set: a start that got further would generate and print one.
            Run run = launch(work, Map.of("PATGATE_LISTEN_PORT", Integer.toString(taken.getLocalPort())), "serve");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err())
                    .isEqualTo("error: port " + taken.getLocalPort()
                            + " is already in use; set listen.port or PATGATE_LISTEN_PORT\n");
            assertThat(run.out())
                    .as("nothing printed, no one-time admin password")
                    .isEmpty();
        }
        assertThat(contentsOf(work)).as("no data directory, pepper or database").isEmpty();
    }

    @Test
    void serveWithAConfigFileOnABusyPortCreatesNeitherTheConfiguredDataDirectoryNorPepper() throws Exception {
        Path work = emptyWorkingDirectory();
        Path config = Files.writeString(dir.resolve("patgate.yml"), """
                database: { url: "jdbc:h2:file:./state/db/patgate" }
                tokens: { pepperFile: ./secrets/pepper }
                """);
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Run run = launch(
                    work,
                    Map.of("PATGATE_LISTEN_PORT", Integer.toString(taken.getLocalPort())),
                    "serve",
                    "--config",
                    config.toString());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err())
                    .isEqualTo("error: port " + taken.getLocalPort()
                            + " is already in use; set listen.port or PATGATE_LISTEN_PORT\n");
            assertThat(run.out()).isEmpty();
        }
        assertThat(contentsOf(work)).isEmpty();
    }

    @Test
    void demoOnABusyPortNamesItsPortOptionAndPrintsNoPasswords() throws Exception {
        Path work = emptyWorkingDirectory();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Run run = launch(work, Map.of(), "demo", "--port", Integer.toString(taken.getLocalPort()));

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err())
                    .isEqualTo("error: port " + taken.getLocalPort()
                            + " is already in use; choose another with --port (--port 0 picks a free one)\n");
            assertThat(run.out())
                    .doesNotContain("admin /")
                    .doesNotContain("alice /")
                    .isEmpty();
        }
        assertThat(contentsOf(work)).as("no ./patgate-demo").isEmpty();
    }

    @Test
    void serveOnAnAddressThatIsNotThisMachinesSaysSoInOneLine() throws Exception {
        Path work = emptyWorkingDirectory();
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never an address of this machine.
        Run run = launch(work, Map.of("PATGATE_LISTEN_HOST", "192.0.2.1", "PATGATE_LISTEN_PORT", "0"), "serve");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .isEqualTo("error: listen.host 192.0.2.1 is not an address of this machine;"
                        + " set listen.host or PATGATE_LISTEN_HOST (127.0.0.1 for this machine only, 0.0.0.0 for all"
                        + " interfaces)\n");
        assertThat(run.out()).isEmpty();
        assertThat(contentsOf(work)).isEmpty();
    }

    @Test
    void serveRefusesAConfigurationThatHandsIdentityToTheClientInOneLine() throws Exception {
        Path work = emptyWorkingDirectory();
        Map<String, String> env = new HashMap<>(Map.of("PATGATE_LISTEN_PORT", "0"));
        env.put("PATGATE_TRUSTEDPROXIES", "0.0.0.0/0");

        Run proxies = launch(work, env, "serve");

        assertThat(proxies.exitCode()).isEqualTo(1);
        assertThat(proxies.err())
                .startsWith("error: trustedProxies[0]: is too wide for a trusted proxy")
                .endsWith("got '0.0.0.0/0' (from PATGATE_TRUSTEDPROXIES)\n")
                .hasLineCount(1);
        assertThat(proxies.out()).isEmpty();

        Run header =
                launch(work, Map.of("PATGATE_LISTEN_PORT", "0", "PATGATE_IDENTITY_HEADER", "X_Forwarded_For"), "serve");

        assertThat(header.exitCode()).isEqualTo(1);
        assertThat(header.err())
                .startsWith("error: identity.header: must not be a header the gateway itself relies on")
                .hasLineCount(1);
        assertThat(header.out()).isEmpty();
        assertThat(contentsOf(work)).isEmpty();
    }
}
