package org.patgate.server.gateway;

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
}
