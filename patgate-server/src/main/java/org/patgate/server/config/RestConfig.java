package org.patgate.server.config;

import java.util.List;
import org.patgate.server.config.internal.ConfigRules;

/**
 * Where tokens are enforced ({@code rest.*}): path patterns, whether Basic <em>passwords</em> are
 * refused there (and who is exempt), whether requests without any credentials may pass, and the
 * POST endpoints a read-only token may call. Patterns start with '/', use whole-segment {@code *}
 * and a trailing {@code /**}. Immutable (lists are copied) and thread-safe.
 */
public record RestConfig(List<String> paths, PasswordAuth passwordAuth, List<String> readOnlyPosts,
        Anonymous anonymous, List<String> passwordExemptUsers, List<String> passwordExemptGroups,
        List<String> allowedIps, List<String> sessionCookies) {

    /** Whether HTTP Basic with a password (not a token) may reach REST paths. YAML: {@code block} | {@code allow}. */
    public enum PasswordAuth { BLOCK, ALLOW }

    /**
     * Requests on REST paths with no Authorization header and no cookie. {@code deny} (default):
     * 401 asking for a token. {@code allow}: forwarded without identity (public anonymous APIs).
     * Requests with one of {@code rest.sessionCookies} (non-empty) pass: the upstream checks its own sessions.
     */
    public enum Anonymous { DENY, ALLOW }

    public RestConfig {
        paths = ConfigRules.requireEach("rest.paths", paths, ConfigRules::pathPattern);
        if (paths.isEmpty()) {
            throw new ConfigException("rest.paths: must list at least one path pattern");
        }
        ConfigRules.require("rest.passwordAuth", passwordAuth, value -> { });
        readOnlyPosts = ConfigRules.requireEach("rest.readOnlyPosts", readOnlyPosts, ConfigRules::pathPattern);
        ConfigRules.require("rest.anonymous", anonymous, value -> { });
        passwordExemptUsers = ConfigRules.requireEach("rest.passwordExemptUsers", passwordExemptUsers, ConfigRules::name);
        passwordExemptGroups = ConfigRules.requireEach("rest.passwordExemptGroups", passwordExemptGroups, ConfigRules::name);
        allowedIps = ConfigRules.requireEach("rest.allowedIps", allowedIps, ConfigRules::cidr);
        sessionCookies = ConfigRules.requireEach("rest.sessionCookies", sessionCookies, ConfigRules::cookieName);
    }

    /** As the canonical constructor, with the generic session cookie names. */
    public RestConfig(List<String> paths, PasswordAuth passwordAuth, List<String> readOnlyPosts, Anonymous anonymous,
            List<String> passwordExemptUsers, List<String> passwordExemptGroups, List<String> allowedIps) {
        this(paths, passwordAuth, readOnlyPosts, anonymous, passwordExemptUsers, passwordExemptGroups, allowedIps,
                UpstreamProduct.GENERIC.sessionCookies());
    }

    /** The defaults for everything but the first three keys. */
    public RestConfig(List<String> paths, PasswordAuth passwordAuth, List<String> readOnlyPosts) {
        this(paths, passwordAuth, readOnlyPosts, Anonymous.DENY, List.of(), List.of(), List.of());
    }
}
