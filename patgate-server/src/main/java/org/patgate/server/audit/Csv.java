package org.patgate.server.audit;

import java.util.List;

/**
 * RFC 4180 CSV rows (comma-separated, CRLF line ends, quotes doubled) that are safe to open in a
 * spreadsheet (CSV injection), also in locales whose spreadsheets split on {@code ;}:
 * <ul>
 * <li>a formula start ({@code =}, {@code +}, {@code -}, {@code @}, tab, carriage return) at the
 *     start of a cell, or after a {@code ,}, {@code ;} or line break inside it (spaces and quotes
 *     between ignored), gets a {@code '} in front, so whichever separator the reader splits on, and even a
 *     reader that ignores quotes, no piece begins a formula;
 * <li>a cell holding a {@code ,}, {@code ;}, quote, tab or line break is quoted.
 * </ul>
 * Stateless.
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
        StringBuilder text = new StringBuilder(value.length() + 4);
        boolean pieceStart = true;
        boolean quote = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (pieceStart && isFormulaStart(c)) {
                text.append('\'');
            }
            text.append(c);
            if (c == ',' || c == ';' || c == '\n' || c == '\r') {
                pieceStart = true;
            } else if (c != ' ' && c != '"') {
                pieceStart = false;
            }
            quote |= c == ',' || c == ';' || c == '"' || c == '\n' || c == '\r' || c == '\t';
        }
        return quote ? '"' + text.toString().replace("\"", "\"\"") + '"' : text.toString();
    }

    private static boolean isFormulaStart(char c) {
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
    }
}
