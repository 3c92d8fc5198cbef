package org.patgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code run-scale.sh} with 2,000 tokens on both stores (one measured start-up per size, few
 * samples) against the built PATgate jar and checks that it writes a complete "scale" section into
 * a scratch markdown file, so the harness cannot rot. No timing assertions: the numbers of such a
 * small run mean nothing.
 */
class ScaleHarnessSmokeIT {

    @Test
    void smallRunWritesTheScaleSectionForBothStores() throws Exception {
        HarnessRun run = HarnessRun.of(
                "run-scale.sh",
                Duration.ofSeconds(600),
                "--tokens",
                "2000",
                "--startups",
                "1",
                "--samples",
                "500",
                "--hot",
                "2000");
        String written = run.written();
        assertThat(written)
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
    }
}
