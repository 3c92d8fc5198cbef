package org.patgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code run-propagation.sh} with 5 revocations and checks that it writes a complete
 * "propagation" section into a scratch markdown file, so the harness cannot rot. No timing
 * assertions beyond the harness's own give-up: the numbers of such a small run mean nothing.
 */
class PropagationHarnessSmokeIT {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void smallRunWritesThePropagationSection() throws Exception {
        assumeTrue(
                Files.isRegularFile(ROOT.resolve("patgate-server/target/patgate.jar")),
                "the PATgate jar is built by the reactor before this module's integration tests");
        Path doc = Files.createTempFile("benchmarks", ".md");
        Files.writeString(doc, "# Benchmarks\n\nHand-written text stays.\n");
        Path realDoc = ROOT.resolve("docs/benchmarks.md");
        String realDocBefore = Files.exists(realDoc) ? Files.readString(realDoc) : null;
        Path output = Files.createTempFile("run-propagation", ".log");

        ProcessBuilder builder = new ProcessBuilder(
                        "bash",
                        ROOT.resolve("patgate-bench/run-propagation.sh").toString(),
                        "--revocations",
                        "5",
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
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        String log = Files.readString(output, StandardCharsets.UTF_8);
        String written = Files.readString(doc, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        Files.deleteIfExists(doc);

        assertThat(finished)
                .as("run-propagation.sh finished within 300 s; output:%n%s", log)
                .isTrue();
        assertThat(process.exitValue()).as("exit status; output:%n%s", log).isZero();
        assertThat(written)
                .startsWith("# Benchmarks\n\nHand-written text stays.\n")
                .contains("<!-- propagation:begin -->\n## Change propagation\n", "<!-- propagation:end -->")
                .contains("5 revocations on node A")
                .containsPattern("\\| node B refuses the revoked token \\| 5 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|")
                .containsPattern("\\| node C refuses the revoked token \\| 5 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|")
                .contains("**Target**: p99 ≤ 1000 ms")
                .doesNotContain("n/a");
        assertThat(Files.exists(realDoc) ? Files.readString(realDoc) : null)
                .as("--doc leaves docs/benchmarks.md alone")
                .isEqualTo(realDocBefore);
    }
}
