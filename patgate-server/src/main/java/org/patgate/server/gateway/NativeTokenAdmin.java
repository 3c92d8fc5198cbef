package org.patgate.server.gateway;

import java.util.List;
import org.patgate.core.path.PathPatternSet;

/**
 * The upstream product's own token API ({@code /rest/pat/**} in Jira and Confluence,
 * {@code /rest/access-tokens/**} in Bitbucket): a PATgate token must never reach it, because a native
 * token minted there acts with all of its owner's rights and none of PATgate's limits (scope, IP
 * ranges, rules, expiry, revocation), and managing native tokens is the product UI's business.
 * Matched on the decoded normalised path in any letter case (some servers fold case), so the dot
 * segments, path parameters and percent-encodings the normaliser resolves, and case variants, all
 * land here. Immutable and thread-safe.
 */
public final class NativeTokenAdmin {

    /** No native token API (the {@code generic} product). */
    public static final NativeTokenAdmin NONE = new NativeTokenAdmin(PathPatternSet.empty());

    static final String DETAIL = "a PATgate token must not mint or manage the product's own tokens, which would act "
            + "without PATgate's limits; manage native tokens in the product's web interface";

    private final PathPatternSet paths;

    private NativeTokenAdmin(PathPatternSet paths) {
        this.paths = paths;
    }

    /** @param patterns path patterns ({@link org.patgate.core.path.PathPattern}) in lower case */
    public static NativeTokenAdmin of(List<String> patterns) {
        return new NativeTokenAdmin(
                PathPatternSet.of(patterns.stream().map(NativeTokenAdmin::fold).toList()));
    }

    /** Whether a request to this decoded normalised path is refused when it carries a PATgate token. */
    public boolean covers(String decodedNormalizedPath) {
        return !paths.isEmpty() && paths.matches(fold(decodedNormalizedPath));
    }

    /** The refusal: 403, nothing reaches the upstream. */
    GatewayDecision.Refuse refusal(String tokenId) {
        return new GatewayDecision.Refuse(403, "native-token-admin", "Forbidden", DETAIL, false, tokenId);
    }

    /**
     * Case folding as {@link String#equalsIgnoreCase} compares, per character (upper, then lower), so
     * that look-alikes a case-folding server equates ({@code ſ} and {@code s}, the Kelvin sign and
     * {@code k}, dotted and dotless {@code i}) fold to the same letter. Leaves '/' and '.' alone, so a
     * normalised path stays normalised.
     */
    static String fold(String path) {
        StringBuilder folded = null;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            char f = Character.toLowerCase(Character.toUpperCase(c));
            if (f != c && folded == null) {
                folded = new StringBuilder(path.length()).append(path, 0, i);
            }
            if (folded != null) {
                folded.append(f);
            }
        }
        return folded == null ? path : folded.toString();
    }

    @Override
    public String toString() {
        return paths.toString();
    }
}
