package org.patgate.server.gateway;

import java.util.List;
import java.util.Set;

/**
 * Whether a request carries one of the upstream's session cookies ({@code rest.sessionCookies}),
 * which is what lets a request without credentials pass {@code rest.anonymous: deny}: the upstream
 * then checks its own session. Names match exactly (RFC 6265 cookie names are case-sensitive), and
 * only with a non-empty value; any other cookie is not a session. Every Cookie header counts (HTTP/2
 * clients may send one per cookie). Stateless and thread-safe.
 */
final class SessionCookies {

    private SessionCookies() {}

    static boolean present(List<String> cookieHeaders, Set<String> sessionNames) {
        if (sessionNames.isEmpty()) {
            return false;
        }
        for (String header : cookieHeaders) {
            // RFC 6265 §4.2.1: cookie-pair *( ";" SP cookie-pair ); be lenient about blanks.
            int from = 0;
            while (from <= header.length()) {
                int end = header.indexOf(';', from);
                if (end < 0) {
                    end = header.length();
                }
                int equals = header.indexOf('=', from);
                if (equals > from && equals < end) {
                    String name = header.substring(from, equals).strip();
                    String value = header.substring(equals + 1, end).strip();
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    if (!value.isEmpty() && sessionNames.contains(name)) {
                        return true;
                    }
                }
                from = end + 1;
            }
        }
        return false;
    }
}
