package org.patgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code run-soak.sh} for 18 s of load, with the node kill and the PostgreSQL restart,
 * and checks that it writes a complete "soak" section into a scratch markdown file and that both
 * targets hold: no activity lost beyond the killed node's unwritten bound, no revoked token accepted
 * after propagation (the script exits non-zero otherwise).
 */
class SoakHarnessSmokeIT {

    @Test
    void shortSoakWithAKillAndADatabaseRestartLosesNothingBeyondTheBound() throws Exception {
        HarnessRun run = HarnessRun.of("run-soak.sh", Duration.ofSeconds(300), "--minutes", "0.3");
        String written = run.written();
        String log = run.log();
        assertThat(written)
                .as(log)
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
    }
}
