package org.patgate.server.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void plainCellsStayAsTheyAreAndRowsEndInCrlf() {
        assertThat(Csv.row(List.of("1", "token.revoke", "alice"))).isEqualTo("1,token.revoke,alice\r\n");
        assertThat(Csv.row(Arrays.asList("a", null, ""))).isEqualTo("a,,\r\n");
    }

    @Test
    void commasQuotesAndLineBreaksAreQuotedPerRfc4180() {
        assertThat(Csv.cell("a,b")).isEqualTo("\"a,b\"");
        assertThat(Csv.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Csv.cell("two\nlines")).isEqualTo("\"two\nlines\"");
    }

    @Test
    void cellsThatASpreadsheetWouldEvaluateAreNeutralised() {
        assertThat(Csv.cell("=HYPERLINK(\"http://x\")")).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\"");
        assertThat(Csv.cell("+1")).isEqualTo("'+1");
        assertThat(Csv.cell("-2+3")).isEqualTo("'-2+3");
        assertThat(Csv.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(Csv.cell("\tx")).isEqualTo("'\tx");
        assertThat(Csv.cell("a=b")).as("only a leading character is dangerous").isEqualTo("a=b");
    }
}
