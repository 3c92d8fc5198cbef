package org.patgate.server.config;

import java.util.List;

/**
 * What the upstream is ({@code upstream.product}), and the protection that follows from it by default:
 * the REST paths (with the context paths the product is commonly served under), the POST endpoints a
 * read-only token may call, the product's session cookie names, the token rule presets that fit and
 * the product's own token API, which a PATgate token may never call ({@link #nativeTokenAdmin()}).
 * Any {@code rest.*} key set in the configuration (or at runtime) wins over the preset. Immutable.
 */
public enum UpstreamProduct {

    /** Any REST API: {@code /rest/**}, Jira's JQL search as read-only POSTs (for compatibility), {@code JSESSIONID}. */
    GENERIC(
            List.of("/rest/**"),
            List.of("/rest/api/2/search", "/rest/api/2/search/jql", "/rest/api/3/search", "/rest/api/3/search/jql"),
            List.of("JSESSIONID"),
            List.of("jira-read-issues-and-search", "jira-read-only", "confluence-read-only", "bitbucket-read-only"),
            List.of()),

    /**
     * Jira Data Center, at the root or under {@code /jira}: JQL search ({@code 2}, {@code 3} and
     * {@code latest}) is a read-only POST; its personal access token API is {@code /rest/pat/**}.
     */
    JIRA(
            List.of("/rest/**", "/jira/rest/**"),
            List.of(
                    "/rest/api/2/search",
                    "/rest/api/2/search/jql",
                    "/rest/api/3/search",
                    "/rest/api/3/search/jql",
                    "/rest/api/latest/search",
                    "/rest/api/latest/search/jql",
                    "/jira/rest/api/2/search",
                    "/jira/rest/api/2/search/jql",
                    "/jira/rest/api/3/search",
                    "/jira/rest/api/3/search/jql",
                    "/jira/rest/api/latest/search",
                    "/jira/rest/api/latest/search/jql"),
            List.of("JSESSIONID", "seraph.rememberme.cookie"),
            List.of("jira-read-issues-and-search", "jira-read-only"),
            List.of("/rest/pat/**", "/jira/rest/pat/**")),

    /**
     * Confluence Data Center, at the root or under {@code /wiki} or {@code /confluence}; CQL search is a
     * GET, converting a content body between representations is a read-only POST; its personal access
     * token API is {@code /rest/pat/**}.
     */
    CONFLUENCE(
            List.of("/rest/**", "/wiki/rest/**", "/confluence/rest/**"),
            List.of(
                    "/rest/api/contentbody/convert/*",
                    "/wiki/rest/api/contentbody/convert/*",
                    "/confluence/rest/api/contentbody/convert/*"),
            List.of("JSESSIONID", "seraph.confluence"),
            List.of("confluence-read-only"),
            List.of("/rest/pat/**", "/wiki/rest/pat/**", "/confluence/rest/pat/**")),

    /**
     * Bitbucket Data Center: its REST API, at the root or under {@code /bitbucket}, and git over HTTP
     * ({@code /scm/**}), where clients send Basic passwords; fetching ({@code git-upload-pack}) is a read,
     * pushing ({@code git-receive-pack}) a write. Its HTTP access token API is {@code /rest/access-tokens/**}.
     */
    BITBUCKET(
            List.of("/rest/**", "/bitbucket/rest/**", "/scm/**", "/bitbucket/scm/**"),
            List.of("/scm/*/*/git-upload-pack", "/bitbucket/scm/*/*/git-upload-pack"),
            List.of("BITBUCKETSESSIONID", "_atl_bitbucket_remember_me"),
            List.of("bitbucket-read-only"),
            List.of("/rest/access-tokens/**", "/bitbucket/rest/access-tokens/**"));

    private final List<String> restPaths;
    private final List<String> readOnlyPosts;
    private final List<String> sessionCookies;
    private final List<String> rulePresets;
    private final List<String> nativeTokenAdmin;

    UpstreamProduct(
            List<String> restPaths,
            List<String> readOnlyPosts,
            List<String> sessionCookies,
            List<String> rulePresets,
            List<String> nativeTokenAdmin) {
        this.restPaths = restPaths;
        this.readOnlyPosts = readOnlyPosts;
        this.sessionCookies = sessionCookies;
        this.rulePresets = rulePresets;
        this.nativeTokenAdmin = nativeTokenAdmin;
    }

    /** The default of {@code rest.paths}. */
    public List<String> restPaths() {
        return restPaths;
    }

    /** The default of {@code rest.readOnlyPosts}. */
    public List<String> readOnlyPosts() {
        return readOnlyPosts;
    }

    /** The default of {@code rest.sessionCookies}. */
    public List<String> sessionCookies() {
        return sessionCookies;
    }

    /** The names of the token rule presets that fit this product. */
    public List<String> rulePresets() {
        return rulePresets;
    }

    /**
     * The product's own token API (path patterns, lower case, matched in any letter case): a native
     * token made there acts with all of its owner's rights and none of PATgate's limits, so a request
     * carrying a PATgate token is refused there. Not configurable.
     */
    public List<String> nativeTokenAdmin() {
        return nativeTokenAdmin;
    }
}
