package org.patgate.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's "A 5-minute tour" as a user would: its {@code sh} blocks, in order, as one bash
 * script in an empty working directory, with {@code bin/patgate} resolved to the launcher of this
 * build and port 8080 replaced by a free one (the server gets it through {@code PATGATE_LISTEN_PORT},
 * the CLI through {@code PATGATE_URL}; everything else is what the README shows). The script runs in
 * its own session, and the whole process group is killed afterwards, so a server started with
 * {@code &} never outlives the test even when the tour fails half-way.
 */
class ReadmeTourIT {

    static final Path README = Path.of("../README.md");
    static final Path LAUNCHER =
            Path.of("..", "bin", "patgate").toAbsolutePath().normalize();
    private static final Pattern SH_BLOCK = Pattern.compile("(?ms)^```sh\\n(.*?)^```$");

    @TempDir
    Path dir;

    @Test
    void theTourRunsAsWrittenAndDoesWhatItSays() throws Exception {
        Assumptions.assumeTrue(DemoIT.hasCommand("curl"), "curl is not installed");
        Assumptions.assumeTrue(DemoIT.hasCommand("setsid"), "setsid is not installed");
        List<String> blocks = tourBlocks(Files.readString(README));
        assertThat(blocks).as("sh blocks of the tour").hasSizeGreaterThanOrEqualTo(3);
        int port = freePort();
        String script = "set -e\n"
                + String.join("\n", blocks)
                        .replace("bin/patgate", LAUNCHER.toString())
                        .replace("8080", Integer.toString(port));
        Path scriptFile = dir.resolve("tour.sh");
        Files.writeString(scriptFile, script);
        Path work = Files.createDirectories(dir.resolve("work"));

        ProcessBuilder builder = new ProcessBuilder("setsid", "bash", scriptFile.toString())
                .directory(work.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("PATGATE_"));
        env.put("PATGATE_LISTEN_PORT", Integer.toString(port));
        env.put("PATGATE_URL", "http://127.0.0.1:" + port);
        env.put("PATGATE_HEAP", "256m");
        Process process = builder.start();
        boolean finished;
        try {
            finished = process.waitFor(180, TimeUnit.SECONDS);
        } finally {
            killProcessGroup(process.pid());
            process.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("out.txt"));
        String err = Files.readString(dir.resolve("err.txt"));

        assertThat(finished)
                .as("the tour finished in time; output:\n" + out + err)
                .isTrue();
        assertThat(process.exitValue())
                .as("exit code; script:\n" + script + "\noutput:\n" + out + err)
                .isZero();
        assertThat(out).as("health").contains("\"status\":\"UP\"");
        assertThat(out).as("user created").contains("created user alice");
        assertThat(err).as("token created").contains("Created token").contains("'jira report' for alice");
        assertThat(out).as("token list").contains("jira report").contains("read-only");
        assertThat(out).as("API create").containsPattern("\"token\":\"pat_[0-9A-Za-z]{34}\"");
        assertThat(out).as("API list").contains("\"name\":\"ci\"");
        assertThat(out).as("audit").contains("\"action\":\"token.create\"");
        assertThat(healthAnswers(port)).as("no server outlives the tour").isFalse();
    }

    @Test
    void theTourBlocksAreTheShellBlocksUnderTheTourHeadingOnly() {
        String page = """
                # X
                ```sh
                before
                ```
                ## A 5-minute tour
                ```sh
                one
                ```
                text
                ```sh
                two
                ```
                ## Documentation
                ```sh
                after
                ```
                """;

        assertThat(tourBlocks(page)).containsExactly("one\n", "two\n");
    }

    static List<String> tourBlocks(String readme) {
        int start = readme.indexOf("\n## A 5-minute tour");
        assertThat(start).as("the README has a tour").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        String tour = readme.substring(start, end < 0 ? readme.length() : end);
        List<String> blocks = new ArrayList<>();
        Matcher matcher = SH_BLOCK.matcher(tour);
        while (matcher.find()) {
            blocks.add(matcher.group(1));
        }
        return blocks;
    }

    /** SIGTERM to the script's process group (it is the leader of its own session), then SIGKILL. */
    static void killProcessGroup(long leader) throws Exception {
        for (String signal : List.of("-TERM", "-KILL")) {
            Process kill = new ProcessBuilder("kill", signal, "--", "-" + leader)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.waitFor(10, TimeUnit.SECONDS);
            if (signal.equals("-TERM")) {
                Thread.sleep(2_000); // let the JVM run its shutdown hooks and close the database
            }
        }
    }

    static boolean healthAnswers(int port) {
        try {
            HttpResponse<Void> answer = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/.patgate/health"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            return answer.statusCode() > 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
