package org.patgate.core.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ready-made rules for the common cases of Jira, Confluence and Bitbucket Data Center. Each names
 * exactly what it allows; anything else is refused.
 */
public final class RulePresets {

    // Declared before the static block that fills them (static initialisers run in text order).
    private static final Map<String, TokenRules> PRESETS = new LinkedHashMap<>();
    private static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();

    static {
        add(
                "jira-read-issues-and-search",
                "Jira: read issues and search only",
                MethodPathRule.of("/rest/api/2/issue/**", "GET"),
                MethodPathRule.of("/rest/api/3/issue/**", "GET"),
                MethodPathRule.of("/rest/api/2/search", "GET", "POST"),
                MethodPathRule.of("/rest/api/3/search", "GET", "POST"),
                MethodPathRule.of("/rest/api/2/search/jql", "GET", "POST"),
                MethodPathRule.of("/rest/api/3/search/jql", "GET", "POST"));
        add(
                "jira-read-only",
                "Jira: read everything in the REST API",
                MethodPathRule.of("/rest/**", "GET", "OPTIONS"),
                MethodPathRule.of("/rest/api/2/search", "POST"),
                MethodPathRule.of("/rest/api/3/search", "POST"),
                MethodPathRule.of("/rest/api/2/search/jql", "POST"),
                MethodPathRule.of("/rest/api/3/search/jql", "POST"));
        add(
                "confluence-read-only",
                "Confluence: read content, spaces and search",
                MethodPathRule.of("/rest/api/content/**", "GET"),
                MethodPathRule.of("/rest/api/space/**", "GET"),
                MethodPathRule.of("/rest/api/search", "GET"),
                MethodPathRule.of("/rest/api/content/search", "GET"));
        add(
                "bitbucket-read-only",
                "Bitbucket: read projects, repositories and pull requests, and git clone and fetch",
                MethodPathRule.of("/rest/api/1.0/**", "GET"),
                MethodPathRule.of("/rest/api/latest/**", "GET"),
                // Git fetch over smart HTTP, at the root and under Bitbucket's usual context path: the ref
                // advertisement and the pack. A push (git-receive-pack, or its announcement on info/refs,
                // which the gateway checks as the push it announces) matches nothing and is refused.
                MethodPathRule.of("/scm/*/*/info/refs", "GET"),
                MethodPathRule.of("/scm/*/*/git-upload-pack", "POST"),
                MethodPathRule.of("/bitbucket/scm/*/*/info/refs", "GET"),
                MethodPathRule.of("/bitbucket/scm/*/*/git-upload-pack", "POST"));
    }

    private RulePresets() {}

    private static void add(String name, String description, MethodPathRule... allow) {
        PRESETS.put(name, new TokenRules(name, List.of(allow), List.of()));
        DESCRIPTIONS.put(name, description);
    }

    /** The preset with this name. */
    public static Optional<TokenRules> named(String name) {
        return Optional.ofNullable(PRESETS.get(name));
    }

    /** Preset name to a one-line description, in a stable order. */
    public static Map<String, String> all() {
        return Collections.unmodifiableMap(DESCRIPTIONS);
    }
}
