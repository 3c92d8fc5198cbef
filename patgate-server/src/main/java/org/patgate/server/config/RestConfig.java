package org.patgate.server.config;

import java.util.List;
import org.patgate.server.config.internal.ConfigRules;

/**
 * Where tokens are enforced ({@code rest.*}): path patterns, whether Basic <em>passwords</em> are
 * refused there, and the POST endpoints a read-only token may call. Patterns start with '/', use
 * whole-segment {@code *} and a trailing {@code /**}. Immutable (lists are copied) and thread-safe.
 */
public record RestConfig(List<String> paths, PasswordAuth passwordAuth, List<String> readOnlyPosts) {

    /** Whether HTTP Basic with a password (not a token) may reach REST paths. YAML: {@code block} | {@code allow}. */
    public enum PasswordAuth { BLOCK, ALLOW }

    public RestConfig {
        paths = ConfigRules.requireEach("rest.paths", paths, ConfigRules::pathPattern);
        if (paths.isEmpty()) {
            throw new ConfigException("rest.paths: must list at least one path pattern");
        }
        ConfigRules.require("rest.passwordAuth", passwordAuth, value -> { });
        readOnlyPosts = ConfigRules.requireEach("rest.readOnlyPosts", readOnlyPosts, ConfigRules::pathPattern);
    }
}
