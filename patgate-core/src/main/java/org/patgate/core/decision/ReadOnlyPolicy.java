package org.patgate.core.decision;

import java.util.List;
import java.util.Objects;
import org.patgate.core.path.PathPatternSet;

/**
 * What a {@code read-only} token may do: the safe methods {@code GET}, {@code HEAD} and
 * {@code OPTIONS}, plus {@code POST} with a JSON body to an admin-configured allowlist of read-only
 * endpoints (for Jira, the JQL search endpoints). A method-override header or {@code _method}
 * parameter is never accepted, because the upstream could honour it and turn a {@code GET} or an
 * allowed {@code POST} into a write; nor is an allowlisted {@code POST} whose body is not
 * {@code application/json}, because a form body can carry {@code _method} for frameworks that read
 * it there, and the gateway does not read bodies.
 *
 * <p>Immutable and thread-safe.
 */
public final class ReadOnlyPolicy {

    /** Request headers that ask a server to treat the request as another method. */
    public static final List<String> OVERRIDE_HEADERS =
            List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

    /**
     * Jira's JQL search endpoints: {@code POST} there only reads. The usual default for the
     * read-only POST allowlist.
     */
    public static final List<String> DEFAULT_READ_ONLY_POSTS = List.of("/rest/api/2/search", "/rest/api/latest/search");

    /** The query or form parameter some frameworks read as a method override. */
    public static final String OVERRIDE_PARAMETER = "_method";

    private static final Decision.Deny INVALID_METHOD = Decision.Deny.badRequest("invalid request method");
    private static final Decision.Deny OVERRIDE_REFUSED =
            Decision.Deny.forbidden("a read-only token cannot be used with a method override");
    private static final Decision.Deny UNSAFE_METHOD =
            Decision.Deny.forbidden("a read-only token allows only GET, HEAD and OPTIONS requests");
    private static final Decision.Deny POST_NOT_ALLOWLISTED =
            Decision.Deny.forbidden("a read-only token cannot POST to this path");
    private static final Decision.Deny POST_NOT_JSON =
            Decision.Deny.forbidden("a read-only token can POST here only with 'Content-Type: application/json'"
                    + " (or a git fetch's 'application/x-git-upload-pack-request')");

    private final PathPatternSet readOnlyPosts;

    /** @param readOnlyPosts the paths where {@code POST} only reads; may be empty */
    public ReadOnlyPolicy(PathPatternSet readOnlyPosts) {
        this.readOnlyPosts = Objects.requireNonNull(readOnlyPosts, "readOnlyPosts");
    }

    /**
     * Decides a request made with a read-only token.
     *
     * @param method                the method as sent; compared case-sensitively (RFC 9110 §9.1), so
     *                              {@code get} is not {@code GET} and is refused
     * @param decodedNormalizedPath {@link org.patgate.core.path.NormalizedPath.Ok#decoded()}
     * @param overridePresent       whether any of {@link #OVERRIDE_HEADERS} (any case) or a
     *                              {@value #OVERRIDE_PARAMETER} query or form parameter was sent
     * @param contentType           the {@code Content-Type} value when exactly one such header field
     *                              was sent, otherwise null (absent or repeated: not JSON)
     * @return {@link Decision#ALLOW}, a {@code 400} for a method that is not a token, otherwise
     *         a {@code 403}
     * @throws IllegalArgumentException if the path is not normalised
     */
    public Decision decide(String method, String decodedNormalizedPath, boolean overridePresent, String contentType) {
        if (!MethodToken.isValid(method)) {
            return INVALID_METHOD;
        }
        if (overridePresent) {
            return OVERRIDE_REFUSED;
        }
        return switch (method) {
            case "GET", "HEAD", "OPTIONS" -> Decision.ALLOW;
            case "POST" ->
                !readOnlyPosts.matches(decodedNormalizedPath)
                        ? POST_NOT_ALLOWLISTED
                        : isJson(contentType) || isGitFetch(decodedNormalizedPath, contentType)
                                ? Decision.ALLOW
                                : POST_NOT_JSON;
            default -> UNSAFE_METHOD;
        };
    }

    /**
     * Whether {@code contentType} is exactly the media type {@code application/json} (any letter
     * case, RFC 9110 §8.3.1), optionally with parameters such as {@code charset=utf-8}. Suffixes and
     * look-alikes ({@code application/json-patch+json}, {@code application/jsonx}), lists and
     * anything unparseable are not.
     */
    public static boolean isJson(String contentType) {
        return isMediaType(contentType, "application/json");
    }

    /**
     * A git smart-HTTP fetch ({@code POST …/git-upload-pack} with the git protocol's own body type,
     * Bitbucket's {@code /scm/} paths): it only reads the repository, and its body is not a form, so
     * no framework finds a method override in it.
     */
    static boolean isGitFetch(String decodedNormalizedPath, String contentType) {
        return decodedNormalizedPath.endsWith("/git-upload-pack")
                && isMediaType(contentType, "application/x-git-upload-pack-request");
    }

    private static boolean isMediaType(String contentType, String mediaType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";", -1);
        if (!parts[0].strip().equalsIgnoreCase(mediaType)) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            // RFC 9110 §5.6.6: parameter = token "=" ( token / quoted-string ), OWS around ';'.
            String parameter = parts[i].strip();
            int equals = parameter.indexOf('=');
            if (equals <= 0
                    || !MethodToken.isValid(parameter.substring(0, equals))
                    || !isParameterValue(parameter.substring(equals + 1))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isParameterValue(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            String inner = value.substring(1, value.length() - 1);
            return inner.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\');
        }
        return MethodToken.isValid(value);
    }

    /** The allowlist of read-only POST paths. */
    public PathPatternSet readOnlyPosts() {
        return readOnlyPosts;
    }
}
