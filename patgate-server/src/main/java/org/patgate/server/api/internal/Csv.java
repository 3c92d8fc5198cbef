package org.patgate.server.api.internal;

import java.util.List;

/**
 * RFC 4180 CSV rows (comma-separated, CRLF line ends, fields with a comma, quote or line break
 * quoted, quotes doubled) that are safe to open in a spreadsheet: a cell starting with {@code =},
 * {@code +}, {@code -}, {@code @}, tab or carriage return gets a leading {@code '} so it is shown
 * as text, never evaluated as a formula (CSV injection). Stateless.
 */
public final class Csv {

    private Csv() {}

    /** One row including its CRLF; null cells are empty. */
    public static String row(List<String> cells) {
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                row.append(',');
            }
            row.append(cell(cells.get(i)));
        }
        return row.append("\r\n").toString();
    }

    /** One cell, neutralised and quoted as needed. */
    public static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String text = switch (value.charAt(0)) {
            case '=', '+', '-', '@', '\t', '\r' -> "'" + value;
            default -> value;
        };
        boolean quote = text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0
                || text.indexOf('\r') >= 0;
        return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }
}
