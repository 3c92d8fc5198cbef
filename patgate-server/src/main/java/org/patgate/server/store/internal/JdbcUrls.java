package org.patgate.server.store.internal;

import java.util.Locale;
import java.util.regex.Pattern;

/** Recognises, completes and redacts the JDBC URLs PATgate accepts. Stateless. */
public final class JdbcUrls {

    private static final Pattern SECRET_PARAMETER = Pattern.compile("(?i)(password|pwd|sslpassword|sslkey)=[^;&]*");

    private JdbcUrls() {}

    public static boolean isH2(String url) {
        return url.regionMatches(true, 0, "jdbc:h2:", 0, 8);
    }

    public static boolean isPostgresql(String url) {
        return url.regionMatches(true, 0, "jdbc:postgresql:", 0, 16);
    }

    /**
     * Adds the H2 settings PATgate relies on unless the URL sets them:
     * {@code DB_CLOSE_ON_EXIT=FALSE}, because the Database closes its pool itself on shutdown and
     * H2's own JVM shutdown hook would otherwise close the database under in-flight work.
     */
    public static String withH2Defaults(String url) {
        String upper = url.toUpperCase(Locale.ROOT);
        StringBuilder completed = new StringBuilder(url);
        if (!upper.contains(";DB_CLOSE_ON_EXIT=")) {
            completed.append(";DB_CLOSE_ON_EXIT=FALSE");
        }
        return completed.toString();
    }

    /** The URL with any password-like parameter values replaced, fit for messages and logs. */
    public static String redact(String url) {
        return url == null ? null : SECRET_PARAMETER.matcher(url).replaceAll("$1=***");
    }
}
