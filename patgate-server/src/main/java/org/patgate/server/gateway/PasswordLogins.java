package org.patgate.server.gateway;

/**
 * The upstream's REST endpoints that turn a password into a session: Jira's (and Confluence's)
 * {@code POST /rest/auth/<version>/session}, under any context path ({@code /jira/rest/auth/1/session},
 * {@code /wiki/rest/auth/latest/session}), any letter case and with or without a trailing slash.
 * Anything but a read (GET, HEAD, OPTIONS) or a logout (DELETE), or any method override, counts as a
 * login attempt. Stateless and thread-safe.
 */
final class PasswordLogins {

    private PasswordLogins() {}

    static boolean isLogin(String method, String normalizedPath, boolean methodOverride) {
        if (!isSessionResource(normalizedPath)) {
            return false;
        }
        if (methodOverride) {
            return true;
        }
        return !(method.equalsIgnoreCase("GET")
                || method.equalsIgnoreCase("HEAD")
                || method.equalsIgnoreCase("OPTIONS")
                || method.equalsIgnoreCase("DELETE"));
    }

    /** {@code .../rest/auth/<one segment>/session[/]}. */
    static boolean isSessionResource(String path) {
        int end = path.length();
        while (end > 0 && path.charAt(end - 1) == '/') {
            end--;
        }
        if (!endsWithIgnoreCase(path, end, "/session")) {
            return false;
        }
        int versionEnd = end - "/session".length();
        int versionSlash = path.lastIndexOf('/', versionEnd - 1);
        return versionSlash >= 0
                && versionSlash < versionEnd - 1
                && endsWithIgnoreCase(path, versionSlash, "/rest/auth");
    }

    private static boolean endsWithIgnoreCase(String text, int end, String suffix) {
        int at = end - suffix.length();
        return at >= 0 && text.regionMatches(true, at, suffix, 0, suffix.length());
    }
}
