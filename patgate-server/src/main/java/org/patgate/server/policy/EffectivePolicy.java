package org.patgate.server.policy;

import java.util.List;
import java.util.Set;
import org.patgate.core.net.IpRangeSet;
import org.patgate.core.token.Scope;

/**
 * The policy that applies to one user: the most restrictive value of each rule across their groups,
 * each remembering which group imposed it so refusals can name it. Immutable.
 */
public record EffectivePolicy(
        Limit maxLifetimeDays,
        String expiryRequiredBy,
        Limit maxActiveTokens,
        Set<Scope> allowedScopes,
        String allowedScopesBy,
        List<RangeRule> requiredIpRanges,
        String approvalRequiredBy,
        Integer rateLimitPerMinute) {

    /** A numeric limit and the group that set it ("everyone" for the default policy). */
    public record Limit(int value, String group) {}

    /** Ranges a token must stay within, and the group that requires them. */
    public record RangeRule(IpRangeSet ranges, String group) {}

    public static final EffectivePolicy NONE = new EffectivePolicy(null, null, null, null, null, List.of(), null, null);

    public boolean approvalRequired() {
        return approvalRequiredBy != null;
    }

    public boolean expiryRequired() {
        return expiryRequiredBy != null || maxLifetimeDays != null;
    }
}
