package org.patgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SoakReportTest {

    private static final SoakReport.Faults FAULTS = new SoakReport.Faults(
            Duration.ofSeconds(601),
            "b",
            Duration.ofSeconds(200),
            Duration.ofMillis(4200),
            Duration.ofSeconds(400),
            Duration.ofMillis(1300),
            Duration.ofMillis(2500),
            40);

    private static SoakReport.Result result(long answered, long written, long unanswered, List<String> late) {
        return new SoakReport.Result(
                FAULTS,
                Map.of(200, answered, 401, 10L, -1, unanswered),
                Map.of("a", answered),
                30,
                10,
                1,
                2,
                answered,
                written,
                unanswered,
                0,
                3,
                late);
    }

    @Test
    void lossWithinTheKilledNodesBoundAndNoLateAcceptanceAreMet() {
        String report = SoakReport.markdown("14.22", Duration.ofMinutes(10), result(1000, 970, 2, List.of()));

        assertThat(report)
                .startsWith("10 min 0 s of load planned, 10 min 1 s run; PostgreSQL 14.22;")
                .contains("| lost activity | 30 |", "| bound: node b's 200s in its last 2500 ms before the kill | 40 |")
                .contains("| node b killed (SIGKILL) and started again | 3 min 20 s | listening again after 4.2 s |")
                .contains("unwritten bound: met (lost 30, bound 40)")
                .contains("**Revoked tokens accepted after propagation**: met (tokens: 0, requests: 0)");
    }

    @Test
    void lossOverTheBoundIsMissed() {
        assertThat(SoakReport.markdown("14.22", Duration.ofMinutes(10), result(1000, 950, 0, List.of())))
                .contains("unwritten bound: missed (lost 50, bound 40)");
    }

    @Test
    void moreRecordedThanAnsweredOrCutOffIsMissed() {
        assertThat(SoakReport.markdown("14.22", Duration.ofMinutes(10), result(1000, 1003, 2, List.of())))
                .contains("unwritten bound: missed (lost -3, bound 40)");
    }

    @Test
    void aRevokedTokenAcceptedAfterTheBoundIsMissedAndNamed() {
        String report = SoakReport.markdown(
                "14.22", Duration.ofMinutes(10), result(1000, 1000, 0, List.of("t1 on node c, 1500 ms after")));

        assertThat(report)
                .contains(
                        "| 200s for revoked tokens sent more than 1000 ms after the revocation (accepted after propagation) | 1 |")
                .contains("**Revoked tokens accepted after propagation**: missed (tokens: 1, requests: 1)")
                .contains("- accepted: token t1 on node c, 1500 ms after");
    }
}
