package org.patgate.server.config;

import java.util.List;
import java.util.function.Function;

/**
 * Where tokens are enforced ({@code rest.*}): path patterns, whether Basic <em>passwords</em> are
 * refused there (and who is exempt), whether requests without any credentials may pass, and the
 * POST endpoints a read-only token may call. Patterns start with '/', use whole-segment {@code *}
 * and a trailing {@code /**}. The keys, their defaults and rules are declared in {@link RestKeys}.
 * Immutable (lists are copied) and thread-safe.
 */
public record RestConfig(
        List<String> paths,
        PasswordAuth passwordAuth,
        List<String> readOnlyPosts,
        Anonymous anonymous,
        List<String> passwordExemptUsers,
        List<String> passwordExemptGroups,
        List<String> allowedIps,
        List<String> sessionCookies) {

    /** Whether HTTP Basic with a password (not a token) may reach REST paths. YAML: {@code block} | {@code allow}. */
    public enum PasswordAuth {
        BLOCK,
        ALLOW
    }

    /**
     * Requests on REST paths with no Authorization header and no cookie. {@code deny} (default):
     * 401 asking for a token. {@code allow}: forwarded without identity (public anonymous APIs).
     * Requests with one of {@code rest.sessionCookies} (non-empty) pass: the upstream checks its own sessions.
     */
    public enum Anonymous {
        DENY,
        ALLOW
    }

    public RestConfig {
        // Each key's rules are declared once, in RestKeys; the first problem names its key.
        paths = RestKeys.PATHS.require(paths);
        passwordAuth = RestKeys.PASSWORD_AUTH.require(passwordAuth);
        readOnlyPosts = RestKeys.READ_ONLY_POSTS.require(readOnlyPosts);
        anonymous = RestKeys.ANONYMOUS.require(anonymous);
        passwordExemptUsers = RestKeys.PASSWORD_EXEMPT_USERS.require(passwordExemptUsers);
        passwordExemptGroups = RestKeys.PASSWORD_EXEMPT_GROUPS.require(passwordExemptGroups);
        allowedIps = RestKeys.ALLOWED_IPS.require(allowedIps);
        sessionCookies = RestKeys.SESSION_COOKIES.require(sessionCookies);
    }

    /**
     * Builds the section from one value per {@link RestKeys} declaration: the loader passes what the
     * file and environment set (or the defaults), runtime settings pass what is stored over this.
     */
    public static RestConfig from(Function<? super Setting<RestConfig, ?>, Object> values) {
        return new RestConfig(
                RestKeys.PATHS.pick(values),
                RestKeys.PASSWORD_AUTH.pick(values),
                RestKeys.READ_ONLY_POSTS.pick(values),
                RestKeys.ANONYMOUS.pick(values),
                RestKeys.PASSWORD_EXEMPT_USERS.pick(values),
                RestKeys.PASSWORD_EXEMPT_GROUPS.pick(values),
                RestKeys.ALLOWED_IPS.pick(values),
                RestKeys.SESSION_COOKIES.pick(values));
    }

    /** As the canonical constructor, with the generic session cookie names. */
    public RestConfig(
            List<String> paths,
            PasswordAuth passwordAuth,
            List<String> readOnlyPosts,
            Anonymous anonymous,
            List<String> passwordExemptUsers,
            List<String> passwordExemptGroups,
            List<String> allowedIps) {
        this(
                paths,
                passwordAuth,
                readOnlyPosts,
                anonymous,
                passwordExemptUsers,
                passwordExemptGroups,
                allowedIps,
                UpstreamProduct.GENERIC.sessionCookies());
    }

    /** The defaults for everything but the first three keys. */
    public RestConfig(List<String> paths, PasswordAuth passwordAuth, List<String> readOnlyPosts) {
        this(paths, passwordAuth, readOnlyPosts, Anonymous.DENY, List.of(), List.of(), List.of());
    }
}
