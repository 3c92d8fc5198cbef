package org.patgate.server.gateway;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Git's smart HTTP protocol as the gateway sees it: which requests push, and how a refusal is shown to
 * the git command line. A push is {@code POST …/git-receive-pack}, announced by
 * {@code GET …/info/refs?service=git-receive-pack}; a read-only token is refused at the announcement,
 * which is a GET and would otherwise pass, and at {@code git-receive-pack} whatever the method or
 * letter case. Git prints the body of a refused {@code info/refs} request as {@code remote:} lines
 * only when it is {@code text/plain} (remote-curl.c, {@code show_http_message}), so git clients are
 * answered in plain text. Stateless and thread-safe.
 */
final class GitSmartHttp {

    static final String READ_ONLY_PUSH = "this token is read-only; pushing needs a read-write token";

    static final String RULES_FORBID_PUSH = "this token's rules do not allow pushing to this repository";

    private static final String RECEIVE_PACK = "git-receive-pack";

    private GitSmartHttp() {}

    /**
     * Whether the request pushes or announces a push: the last path segment is {@code git-receive-pack},
     * or it is {@code refs} (of {@code info/refs}) with a query parameter naming {@code receive-pack} (or
     * a query that does not decode). Any letter case.
     */
    static boolean isPush(String decodedNormalizedPath, String rawQuery) {
        String last = lastSegment(decodedNormalizedPath);
        if (last.equalsIgnoreCase(RECEIVE_PACK)) {
            return true;
        }
        if (rawQuery == null || !isInfoRefs(decodedNormalizedPath)) {
            return false;
        }
        // Whole parameters, names and values: whatever a server takes for a separator ('&' or ';'), a
        // parameter naming receive-pack anywhere is a push.
        for (String parameter : rawQuery.split("&")) {
            String decoded = CredentialExtractor.decodeQuery(parameter);
            if (decoded == null || NativeTokenAdmin.fold(decoded).contains("receive-pack")) {
                return true;
            }
        }
        return false;
    }

    /**
     * For a push announcement ({@code …/info/refs} with a {@link #isPush receive-pack} query), the path
     * the push itself will be sent to ({@code …/git-receive-pack}), so that a token's rules can refuse
     * the push where git shows the reason; otherwise null.
     */
    static String announcedReceivePack(String decodedNormalizedPath, String rawQuery) {
        if (!isInfoRefs(decodedNormalizedPath) || !isPush(decodedNormalizedPath, rawQuery)) {
            return null;
        }
        String info = parent(withoutTrailingSlash(decodedNormalizedPath));
        return parent(info) + "/" + RECEIVE_PACK;
    }

    /**
     * Whether a refusal should be answered in plain text: a git client ({@code User-Agent: git/…}) or a
     * smart HTTP endpoint, unless the client asks for JSON.
     */
    static boolean wantsPlainText(String decodedPath, HttpFields headers) {
        String accept = headers.get(HttpHeader.ACCEPT);
        if (accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("json")) {
            return false;
        }
        String agent = headers.get(HttpHeader.USER_AGENT);
        if (agent != null && agent.regionMatches(true, 0, "git/", 0, 4)) {
            return true;
        }
        if (decodedPath == null) {
            return false;
        }
        String last = lastSegment(decodedPath);
        return isInfoRefs(decodedPath)
                || last.equalsIgnoreCase("git-upload-pack")
                || last.equalsIgnoreCase(RECEIVE_PACK);
    }

    /** The body git prints as {@code remote: PATgate: …}: one line. */
    static byte[] plainText(String detail) {
        return ("PATgate: " + detail + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the path ends in {@code /info/refs} (any letter case, a trailing '/' allowed). */
    private static boolean isInfoRefs(String decodedNormalizedPath) {
        String path = withoutTrailingSlash(decodedNormalizedPath);
        return lastSegment(path).equalsIgnoreCase("refs")
                && lastSegment(parent(path)).equalsIgnoreCase("info");
    }

    private static String withoutTrailingSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** The path without its last segment ("" for a path of one segment). */
    private static String parent(String pathWithoutTrailingSlash) {
        int slash = pathWithoutTrailingSlash.lastIndexOf('/');
        return slash <= 0 ? "" : pathWithoutTrailingSlash.substring(0, slash);
    }

    private static String lastSegment(String path) {
        int end = path.endsWith("/") ? path.length() - 1 : path.length();
        int start = path.lastIndexOf('/', end - 1) + 1;
        return start > end ? "" : path.substring(start, end);
    }
}
