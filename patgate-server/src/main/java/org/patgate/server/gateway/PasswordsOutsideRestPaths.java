package org.patgate.server.gateway;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts password credentials (Basic with a password, Jira's {@code os_password}) seen on paths
 * outside {@code rest.paths}, where PATgate lets them through: usually a sign that {@code rest.paths}
 * misses part of the upstream's API (a context path such as Confluence's {@code /wiki/rest/...}).
 * The count is in {@code /.patgate/health}; the first sighting under each top-level path segment is
 * logged once as a WARN naming the pattern ({@code /wiki/**}), never the credentials, for at most
 * {@value #MAX_WARNINGS} different segments (an attacker cannot flood the log). Thread-safe.
 */
public final class PasswordsOutsideRestPaths {

    private static final Logger LOG = LoggerFactory.getLogger(PasswordsOutsideRestPaths.class);
    static final int MAX_WARNINGS = 10;

    private final LongAdder seen = new LongAdder();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** Records one request with password credentials on {@code normalizedPath}, outside the REST paths. */
    void seen(String normalizedPath) {
        seen.increment();
        String pattern = topLevelPattern(normalizedPath);
        if (warned.size() < MAX_WARNINGS && warned.add(pattern)) {
            LOG.warn(
                    "password authentication seen outside rest.paths, under {}: it was forwarded because PATgate "
                            + "only refuses passwords on rest.paths; if this is REST API traffic, add the path to rest.paths "
                            + "or set upstream.product",
                    pattern);
        }
    }

    /** How many requests with password credentials were seen outside the REST paths since start. */
    public long count() {
        return seen.sum();
    }

    /** {@code /wiki/**} for {@code /wiki/rest/api/content}; characters outside a safe set are shown as '?'. */
    static String topLevelPattern(String path) {
        if (path == null || path.length() <= 1) {
            return "/";
        }
        int end = path.indexOf('/', 1);
        String segment = path.substring(1, end < 0 ? path.length() : end);
        StringBuilder safe = new StringBuilder("/");
        for (int i = 0; i < segment.length() && i < 64; i++) {
            char c = segment.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~';
            safe.append(plain ? c : '?');
        }
        return end < 0 ? safe.toString() : safe.append("/**").toString();
    }
}
