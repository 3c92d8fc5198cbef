package org.patgate.server.gateway;

import java.util.List;
import java.util.Locale;

/**
 * Header-name comparison the way lenient upstreams see names: case-insensitive, and with '_' and
 * '.' treated as '-' (several servers and CGI-style frameworks map them to the same variable, so
 * {@code X_Forwarded_User} can impersonate {@code X-Forwarded-User}).
 */
final class HeaderNames {

    private HeaderNames() {}

    static String key(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-');
    }

    /**
     * Whether {@code name} has the given {@link #key}, without allocating: this runs for every
     * header of every request. Header names are ASCII tokens (RFC 9110 §5.1).
     */
    static boolean hasKey(String name, String key) {
        if (name.length() != key.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_' || c == '.') {
                c = '-';
            } else if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != key.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code name} has one of the given keys. */
    static boolean hasAnyKey(String name, List<String> keys) {
        for (String key : keys) {
            if (hasKey(name, key)) {
                return true;
            }
        }
        return false;
    }
}
