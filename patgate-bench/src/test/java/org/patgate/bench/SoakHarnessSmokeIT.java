package org.patgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code run-soak.sh} for 18 s of load, with the node kill and the PostgreSQL restart,
 * and checks that it writes a complete "soak" section into a scratch markdown file and that both
 * targets hold: no activity lost beyond the killed node's unwritten bound, no revoked token accepted
 * after propagation (the script exits non-zero otherwise).
 */
class SoakHarnessSmokeIT {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void shortSoakWithAKillAndADatabaseRestartLosesNothingBeyondTheBound() throws Exception {
        assumeTrue(
                Files.isRegularFile(ROOT.resolve("patgate-server/target/patgate.jar")),
                "the PATgate jar is built by the reactor before this module's integration tests");
        Path doc = Files.createTempFile("benchmarks", ".md");
        Files.writeString(doc, "# Benchmarks\n\nHand-written text stays.\n");
        Path realDoc = ROOT.resolve("docs/benchmarks.md");
        String realDocBefore = Files.exists(realDoc) ? Files.readString(realDoc) : null;
        Path output = Files.createTempFile("run-soak", ".log");

        ProcessBuilder builder = new ProcessBuilder(
                        "bash",
                        ROOT.resolve("patgate-bench/run-soak.sh").toString(),
                        "--minutes",
                        "0.3",
                        "--doc",
                        doc.toString())
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("BENCH_CLASSPATH", System.getProperty("java.class.path"));
        Process process = builder.start();
        boolean finished = process.waitFor(300, TimeUnit.SECONDS);
        if (!finished) {
            // the harness, its node processes and PostgreSQL too, not only the shell
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        String log = Files.readString(output, StandardCharsets.UTF_8);
        String written = Files.readString(doc, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        Files.deleteIfExists(doc);
        System.out.println(written); // the numbers, for whoever reads the test report

        assertThat(finished)
                .as("run-soak.sh finished within 300 s; output:%n%s", log)
                .isTrue();
        assertThat(process.exitValue()).as("exit status; output:%n%s", log).isZero();
        assertThat(written)
                .as(log)
                .startsWith("# Benchmarks\n\nHand-written text stays.\n")
                .contains("<!-- soak:begin -->\n## Soak\n", "<!-- soak:end -->")
                .contains("0 min 18 s of load planned")
                .containsPattern("\\| node b killed \\(SIGKILL\\) and started again \\| 0 min \\d+ s \\|")
                .containsPattern(
                        "\\| PostgreSQL restarted \\(fast shutdown, same data and port\\) \\| 0 min \\d+ s \\|")
                .containsPattern("\\| 200s the clients got \\| [1-9][0-9,]* \\|")
                .contains("unwritten bound: met")
                .contains(
                        "| 200s for revoked tokens sent more than 1000 ms after the revocation (accepted after propagation) | 0 |")
                .contains("**Revoked tokens accepted after propagation**: met (tokens: 0, requests: 0)");
        assertThat(Files.exists(realDoc) ? Files.readString(realDoc) : null)
                .as("--doc leaves docs/benchmarks.md alone")
                .isEqualTo(realDocBefore);
    }
}
