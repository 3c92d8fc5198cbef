package org.patgate.server.config.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.patgate.server.config.ConfigException;

/** Parses and prints the duration syntax of the configuration: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 30d}, ISO-8601. */
public final class Durations {

    public static final String SYNTAX = "a duration like 500ms, 5s, 2m, 1h, 30d or PT5S";

    private static final Pattern SHORT = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    private Durations() {}

    /** Parses {@code text}; a unit-less number is refused because its unit would be a guess. */
    public static Duration parse(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("-")) {
            throw new ConfigException("must not be negative");
        }
        Matcher matcher = SHORT.matcher(trimmed);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            try {
                return switch (matcher.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            } catch (ArithmeticException e) {
                throw new ConfigException("is too large");
            }
        }
        if (trimmed.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                return Duration.parse(trimmed);
            } catch (DateTimeParseException e) {
                throw new ConfigException("must be " + SYNTAX);
            }
        }
        throw new ConfigException("must be " + SYNTAX);
    }

    /** The shortest exact form in the configuration syntax, so printed configs load back identically. */
    public static String format(Duration duration) {
        if (duration.isNegative() || duration.getNano() % 1_000_000 != 0) {
            return duration.toString();
        }
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        if (millis % 86_400_000 == 0) {
            return millis / 86_400_000 + "d";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
