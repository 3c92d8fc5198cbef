package org.patgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PropagationReportTest {

    @Test
    void percentilesAreNearestRank() {
        List<Double> values = List.of(5.0, 1.0, 3.0, 2.0, 4.0);
        assertThat(PropagationReport.percentile(values, 50)).isEqualTo(3.0);
        assertThat(PropagationReport.percentile(values, 99)).isEqualTo(5.0);
        assertThat(PropagationReport.percentile(values, 100)).isEqualTo(5.0);
        assertThat(PropagationReport.percentile(List.of(), 50)).isNaN();
    }

    @Test
    void targetIsMissedWhenP99IsOverOneSecond() {
        String met = PropagationReport.markdown("16.4", 2, List.of(9.0, 9.0), List.of(3.0, 4.0), List.of(5.0, 6.0));
        assertThat(met).contains("| node B refuses the revoked token | 2 | 3.0 | 4.0 | 4.0 |", ": met (6.0 ms)");
        String missed =
                PropagationReport.markdown("16.4", 2, List.of(9.0, 9.0), List.of(3.0, 1500.0), List.of(5.0, 6.0));
        assertThat(missed).contains(": missed (1500.0 ms)");
    }
}
