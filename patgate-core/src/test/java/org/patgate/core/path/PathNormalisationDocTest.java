package org.patgate.core.path;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keeps the example tables in the normalisation document true. */
class PathNormalisationDocTest {

    private static final Path DOC = Path.of("../docs/path-normalisation.md");

    @Test
    void everyResultRowOfTheDocumentHolds() throws IOException {
        List<String[]> rows = table("| raw path | result |");

        assertThat(rows).hasSizeGreaterThanOrEqualTo(30);
        for (String[] row : rows) {
            NormalizedPath actual = PathNormalizer.normalize(row[0]);
            if (row[1].equals("refused")) {
                assertThat(actual).as("doc row %s", row[0]).isInstanceOf(NormalizedPath.Refused.class);
            } else {
                assertThat(actual)
                        .as("doc row %s", row[0])
                        .isInstanceOfSatisfying(
                                NormalizedPath.Ok.class,
                                ok -> assertThat(ok.decoded()).isEqualTo(row[1]));
            }
        }
    }

    @Test
    void everyForwardedRowOfTheDocumentHolds() throws IOException {
        List<String[]> rows = table("| raw path | forwarded upstream |");

        assertThat(rows).hasSizeGreaterThanOrEqualTo(5);
        for (String[] row : rows) {
            assertThat(PathNormalizer.normalize(row[0]))
                    .as("doc row %s", row[0])
                    .isInstanceOfSatisfying(
                            NormalizedPath.Ok.class,
                            ok -> assertThat(ok.encoded()).isEqualTo(row[1]));
        }
    }

    /** The rows of the two-column table under {@code header}, cells unquoted from their code spans. */
    private static List<String[]> table(String header) throws IOException {
        List<String> lines = Files.readAllLines(DOC, StandardCharsets.UTF_8);
        int start = lines.indexOf(header);
        assertThat(start).as("table '%s' in %s", header, DOC).isNotNegative();
        List<String[]> rows = new ArrayList<>();
        for (int i = start + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String line = lines.get(i);
            String[] cells = line.substring(1, line.length() - 1).split(" \\| ", -1);
            assertThat(cells).as("row '%s'", line).hasSize(2);
            rows.add(new String[] {cell(cells[0]), cell(cells[1])});
        }
        return rows;
    }

    private static String cell(String text) {
        String trimmed = text.strip();
        if (trimmed.equals("(empty)")) {
            return "";
        }
        if (trimmed.equals("refused")) {
            return trimmed;
        }
        assertThat(trimmed)
                .as("cell is a code span")
                .startsWith("`")
                .endsWith("`")
                .hasSizeGreaterThan(2);
        return trimmed.substring(1, trimmed.length() - 1);
    }
}
