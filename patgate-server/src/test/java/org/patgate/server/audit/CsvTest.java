package org.patgate.server.audit;

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
        assertThat(Csv.cell("\tx")).isEqualTo("\"'\tx\"");
        assertThat(Csv.cell("a=b")).as("only a leading character is dangerous").isEqualTo("a=b");
    }

    @Test
    void aFormulaAfterASeparatorIsNeutralisedForSemicolonLocalesToo() {
        assertThat(Csv.cell("a;=cmd()")).isEqualTo("\"a;'=cmd()\"");
        assertThat(Csv.cell("a; =cmd()"))
                .as("spaces after the separator do not hide it")
                .isEqualTo("\"a; '=cmd()\"");
        assertThat(Csv.cell("a,@SUM(A1)")).isEqualTo("\"a,'@SUM(A1)\"");
        assertThat(Csv.cell("x;+1;-2")).isEqualTo("\"x;'+1;'-2\"");
        assertThat(Csv.cell("a;\t=1")).isEqualTo("\"a;'\t=1\"");
        assertThat(Csv.cell("a;b"))
                .as("a semicolon alone is quoted, nothing else changes")
                .isEqualTo("\"a;b\"");
    }

    @Test
    void noPieceOfAnyRowBeginsAFormulaWhicheverSeparatorTheReaderSplitsOn() {
        List<String> hostile =
                List.of("=1+1", "a;=cmd()", "b,+x", "c; -y", "@z", "\t=w", "\r=v", "\"=q\"", "d;\"=e", "f\n=g", "ok");
        String row = Csv.row(hostile);
        for (String separator : List.of(",", ";", "\n")) {
            for (String piece : row.split(separator)) {
                String start = piece.replaceFirst("^[\" ]+", "");
                assertThat(start)
                        .as("piece '" + piece + "' of " + row + " split on " + separator)
                        .doesNotStartWith("=")
                        .doesNotStartWith("+")
                        .doesNotStartWith("-")
                        .doesNotStartWith("@");
            }
        }
    }
}
