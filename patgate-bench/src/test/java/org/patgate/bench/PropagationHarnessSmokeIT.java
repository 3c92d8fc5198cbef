package org.patgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code run-propagation.sh} with 5 revocations and checks that it writes a complete
 * "propagation" section into a scratch markdown file, so the harness cannot rot. No timing
 * assertions beyond the harness's own give-up: the numbers of such a small run mean nothing.
 */
class PropagationHarnessSmokeIT {

    @Test
    void smallRunWritesThePropagationSection() throws Exception {
        HarnessRun run = HarnessRun.of("run-propagation.sh", Duration.ofSeconds(300), "--revocations", "5");
        String written = run.written();
        assertThat(written)
                .contains("<!-- propagation:begin -->\n## Change propagation\n", "<!-- propagation:end -->")
                .contains("5 revocations on node A")
                .containsPattern("\\| node B refuses the revoked token \\| 5 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|")
                .containsPattern("\\| node C refuses the revoked token \\| 5 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|")
                .contains("**Target**: p99 ≤ 1000 ms")
                .doesNotContain("n/a");
    }
}
