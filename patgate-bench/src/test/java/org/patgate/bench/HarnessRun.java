package org.patgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of a benchmark script of this module, as its smoke test makes it: against the jar the
 * reactor built (skipped when there is none), with this JVM and the test class path (so the script
 * builds nothing), writing its section into a scratch markdown file that starts with hand-written
 * text, never into docs/benchmarks.md. A run that outlives its limit is stopped with everything it
 * started (nodes, PostgreSQL). {@link #written} is the scratch file's text afterwards.
 */
record HarnessRun(boolean finished, int exitValue, String log, String written) {

    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final String HAND_WRITTEN = "# Benchmarks\n\nHand-written text stays.\n";

    /** Runs {@code patgate-bench/<script> <arguments> --doc <scratch file>} and checks the common promises. */
    static HarnessRun of(String script, Duration limit, String... arguments) throws IOException, InterruptedException {
        assumeTrue(
                Files.isRegularFile(ROOT.resolve("patgate-server/target/patgate.jar")),
                "the PATgate jar is built by the reactor before this module's integration tests");
        Path doc = Files.createTempFile("benchmarks", ".md");
        Files.writeString(doc, HAND_WRITTEN);
        Path realDoc = ROOT.resolve("docs/benchmarks.md");
        String realDocBefore = Files.exists(realDoc) ? Files.readString(realDoc) : null;
        Path output = Files.createTempFile(script, ".log");

        List<String> command = new ArrayList<>(
                List.of("bash", ROOT.resolve("patgate-bench").resolve(script).toString()));
        command.addAll(List.of(arguments));
        command.addAll(List.of("--doc", doc.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("BENCH_CLASSPATH", System.getProperty("java.class.path"));
        Process process = builder.start();
        boolean finished = process.waitFor(limit.toSeconds(), TimeUnit.SECONDS);
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

        HarnessRun run = new HarnessRun(finished, finished ? process.exitValue() : -1, log, written);
        assertThat(finished)
                .as("%s finished within %d s; output:%n%s", script, limit.toSeconds(), log)
                .isTrue();
        assertThat(run.exitValue()).as("exit status; output:%n%s", log).isZero();
        assertThat(written).as(log).startsWith(HAND_WRITTEN);
        assertThat(Files.exists(realDoc) ? Files.readString(realDoc) : null)
                .as("--doc leaves docs/benchmarks.md alone")
                .isEqualTo(realDocBefore);
        return run;
    }
}
