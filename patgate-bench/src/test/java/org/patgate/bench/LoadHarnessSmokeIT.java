package org.patgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code run-load.sh --quick --connections 64 --no-write} (a second of wrk per case, the TLS
 * cases included) against the built PATgate jar so the harness cannot rot. Skipped when wrk or nginx is missing and cannot be
 * installed (the script's exit status 3).
 */
class LoadHarnessSmokeIT {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void quickRunPrintsTheResultTableAndRatios() throws Exception {
        Path script = ROOT.resolve("patgate-bench/run-load.sh");
        assumeTrue(
                Files.isRegularFile(ROOT.resolve("patgate-server/target/patgate.jar")),
                "the PATgate jar is built by the reactor before this module's integration tests");
        Path doc = ROOT.resolve("docs/benchmarks.md");
        String docBefore = Files.exists(doc) ? Files.readString(doc) : null;
        Path output = Files.createTempFile("run-load", ".log");

        ProcessBuilder builder = new ProcessBuilder(
                        "bash", script.toString(), "--quick", "--connections", "64", "--no-write")
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("BENCH_CLASSPATH", System.getProperty("java.class.path"));
        Process process = builder.start();
        boolean finished = process.waitFor(240, TimeUnit.SECONDS);
        if (!finished) {
            process.destroy(); // the script's trap stops nginx and PATgate
            process.waitFor(20, TimeUnit.SECONDS);
        }
        String log = read(output);
        Files.deleteIfExists(output);

        assertThat(finished)
                .as("run-load.sh finished within 240 s; output:%n%s", log)
                .isTrue();
        assumeTrue(process.exitValue() != 3, "wrk or nginx is missing and could not be installed");
        assertThat(process.exitValue()).as("exit status; output:%n%s", log).isZero();
        assertThat(log)
                .containsPattern("\\| nginx \\| 64 \\| \\d+ \\|")
                .containsPattern("\\| patgate \\| 64 \\| \\d+ \\|")
                .containsPattern("\\| patgate-deny \\| 64 \\| \\d+ \\|")
                .containsPattern("\\| req/s patgate / nginx \\| \\d+\\.\\d+× \\|")
                .contains("Target: patgate ≥ 0.8× nginx req/s at c=64")
                // Over HTTPS: nginx and PATgate's Netty plane, each row naming its TLS engine.
                .containsPattern("\\| nginx-tls \\(TLS: [^)]+\\) \\| 64 \\| \\d+ \\|")
                .containsPattern("\\| netty-tls \\(TLS: (openssl|jdk)[^)]*\\) \\| 64 \\| \\d+ \\|")
                .containsPattern("\\| req/s netty-tls / nginx-tls \\| \\d+\\.\\d+× \\|")
                .containsPattern("\\| proxy CPU per request netty-tls / nginx-tls \\| \\d+\\.\\d+× \\|")
                .containsPattern("TLS \\(reported, no target\\) at c=64: .*TLS engine of PATgate: (openssl|jdk)")
                .doesNotContain("Warning: patgate c=")
                .doesNotContain("Warning: netty-tls c=")
                .doesNotContain("Warning: nginx-tls c=")
                // nginx asking PATgate's check endpoint before forwarding: every request allowed.
                .containsPattern("\\| nginx-check \\| 64 \\| \\d+ \\|")
                .containsPattern("\\| req/s nginx-check / nginx \\(external authorizer\\) \\| \\d+\\.\\d+× \\|")
                .contains("Target: nginx-check ≥ 0.55× nginx req/s at c=64")
                .doesNotContain("Warning: nginx-check c=")
                // The Netty plane with its default I/O threads (one per core) beside the one-thread case.
                .containsPattern("\\| netty-auto \\| 64 \\| \\d+ \\|")
                .doesNotContain("Warning: netty-auto c=");
        assertThat(Files.exists(doc) ? Files.readString(doc) : null)
                .as("--no-write leaves the doc alone")
                .isEqualTo(docBefore);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
