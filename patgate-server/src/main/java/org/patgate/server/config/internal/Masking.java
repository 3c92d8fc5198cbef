package org.patgate.server.config.internal;

import java.util.regex.Pattern;

/** Hides secrets in printed configuration: a set secret becomes {@code ******}, an unset one stays empty. */
public final class Masking {

    public static final String MASK = "******";

    // H2 ";PASSWORD=x", PostgreSQL "?password=x&..." and "//user:secret@host".
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^;&]*");
    private static final Pattern USER_INFO_SECRET = Pattern.compile("(//[^/@:]*:)[^@/]*@");

    private Masking() {}

    public static String secret(String value) {
        return value == null || value.isEmpty() ? "" : MASK;
    }

    /** A JDBC or HTTP URL with any embedded password replaced by the mask. */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        String masked = PASSWORD_PARAMETER.matcher(url).replaceAll("$1" + MASK);
        return USER_INFO_SECRET.matcher(masked).replaceAll("$1" + MASK + "@");
    }
}
