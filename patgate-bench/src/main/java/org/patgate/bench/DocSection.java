package org.patgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Replaces one generated section of a markdown file, the text between
 * {@code <!-- NAME:begin -->} and {@code <!-- NAME:end -->}, leaving everything else alone, so the
 * JMH and load sections of {@code docs/benchmarks.md} can be regenerated independently. A missing
 * file or section is created (appended). Not thread-safe (one writer per file).
 */
public final class DocSection {

    private DocSection() {}

    /** The file's text with section {@code name} set to {@code body}. */
    public static String replace(String document, String name, String body) {
        String begin = "<!-- " + name + ":begin -->";
        String end = "<!-- " + name + ":end -->";
        String section = begin + "\n" + body.strip() + "\n" + end;
        int from = document.indexOf(begin);
        int to = from < 0 ? -1 : document.indexOf(end, from);
        if (from < 0 || to < 0) {
            String separator =
                    document.isEmpty() || document.endsWith("\n\n") ? "" : document.endsWith("\n") ? "\n" : "\n\n";
            return document + separator + section + "\n";
        }
        return document.substring(0, from) + section + document.substring(to + end.length());
    }

    /** Rewrites section {@code name} of {@code file} with {@code body}. */
    public static void write(Path file, String name, String body) throws IOException {
        String document = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        Files.writeString(file, replace(document, name, body), StandardCharsets.UTF_8);
    }
}
