package org.patgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code run-scale.sh} with 2,000 tokens on both stores (one measured start-up per size, few
 * samples) against the built PATgate jar and checks that it writes a complete "scale" section into
 * a scratch markdown file, so the harness cannot rot. No timing assertions: the numbers of such a
 * small run mean nothing.
 */
class ScaleHarnessSmokeIT {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void smallRunWritesTheScaleSectionForBothStores() throws Exception {
        assumeTrue(
                Files.isRegularFile(ROOT.resolve("patgate-server/target/patgate.jar")),
                "the PATgate jar is built by the reactor before this module's integration tests");
        Path doc = Files.createTempFile("benchmarks", ".md");
        Files.writeString(doc, "# Benchmarks\n\nHand-written text stays.\n");
        Path realDoc = ROOT.resolve("docs/benchmarks.md");
        String realDocBefore = Files.exists(realDoc) ? Files.readString(realDoc) : null;
        Path output = Files.createTempFile("run-scale", ".log");

        ProcessBuilder builder = new ProcessBuilder(
                        "bash",
                        ROOT.resolve("patgate-bench/run-scale.sh").toString(),
                        "--tokens",
                        "2000",
                        "--startups",
                        "1",
                        "--samples",
                        "500",
                        "--hot",
                        "2000",
                        "--doc",
                        doc.toString())
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("BENCH_CLASSPATH", System.getProperty("java.class.path"));
        Process process = builder.start();
        boolean finished = process.waitFor(600, TimeUnit.SECONDS);
        if (!finished) {
            process.destroy(); // the harness deletes its temporary databases on the way out
            process.waitFor(30, TimeUnit.SECONDS);
        }
        String log = Files.readString(output, StandardCharsets.UTF_8);
        String written = Files.readString(doc, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        Files.deleteIfExists(doc);

        assertThat(finished)
                .as("run-scale.sh finished within 600 s; output:%n%s", log)
                .isTrue();
        assertThat(process.exitValue()).as("exit status; output:%n%s", log).isZero();
        assertThat(written)
                .startsWith("# Benchmarks\n\nHand-written text stays.\n")
                .contains("<!-- scale:begin -->\n## Scale\n", "<!-- scale:end -->")
                .contains("### H2 ", "### PostgreSQL ")
                .contains("Seeded 2,000 active tokens over 1,000 owners");
        for (String check : new String[] {
            "hot: the same stored token again",
            "cold: a stored token not seen since start",
            "unknown: well-formed, valid checksum, not stored"
        }) {
            assertThat(written)
                    .as("a latency row per store for '%s'", check)
                    .containsPattern(
                            "(?s)\\| " + check + "[^|]*\\| \\d+ \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|"
                                    + ".*\\| " + check + "[^|]*\\| \\d+ \\| [0-9.]+ \\|");
        }
        assertThat(written)
                .containsPattern("(?s)\\| 1,000 \\| 1 \\| \\d+ \\|.*\\| 1,000 \\| 1 \\| \\d+ \\|")
                .containsPattern(
                        "(?s)\\| 2,000 \\| 1 \\| \\d+ \\| \\d+–\\d+ \\| \\d+ \\| [0-9.]+ \\|.*\\| 2,000 \\| 1 \\| \\d+ \\|")
                .contains("**Targets**", "Cold-token check p99 ≤ 5 ms (PostgreSQL)")
                .doesNotContain("n/a");
        assertThat(Files.exists(realDoc) ? Files.readString(realDoc) : null)
                .as("--doc leaves docs/benchmarks.md alone")
                .isEqualTo(realDocBefore);
    }
}
