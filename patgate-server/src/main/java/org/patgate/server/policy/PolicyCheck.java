package org.patgate.server.policy;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.patgate.core.net.IpAddresses;
import org.patgate.core.net.IpRange;
import org.patgate.core.token.Scope;

/**
 * Applies an {@link EffectivePolicy} to a token request. Every refusal names the limit and the
 * group that set it, so the user knows what to ask for. Stateless.
 */
public final class PolicyCheck {

    private PolicyCheck() {}

    /**
     * The verdict: field errors (400), a conflict (409, too many tokens), the allowed IPs to store
     * (filled in from the one required range rule when the request gave none), and whether the
     * token must wait for approval.
     */
    public record Outcome(Map<String, String> errors, String conflict, List<String> allowedIps, boolean pending) {}

    public static Outcome check(
            EffectivePolicy policy,
            Instant expiresAt,
            Scope scope,
            List<String> allowedIps,
            Instant now,
            long activeTokens) {
        Map<String, String> errors = new LinkedHashMap<>();
        EffectivePolicy.Limit lifetime = policy.maxLifetimeDays();
        if (expiresAt == null && policy.expiryRequired()) {
            String by = lifetime != null ? lifetime.group() : policy.expiryRequiredBy();
            errors.put(
                    "expiresAt",
                    "required: tokens must expire" + (lifetime == null ? "" : " within " + lifetime.value() + " days")
                            + " (policy of group '" + by + "')");
        } else if (expiresAt != null && lifetime != null) {
            Instant limit = now.plus(Duration.ofDays(lifetime.value()));
            if (expiresAt.isAfter(limit.plus(1, ChronoUnit.MINUTES))) {
                errors.put(
                        "expiresAt",
                        "must be at most " + lifetime.value() + " days from now (until "
                                + limit.truncatedTo(ChronoUnit.SECONDS) + "; policy of group '" + lifetime.group()
                                + "')");
            }
        }
        if (scope != null
                && policy.allowedScopes() != null
                && !policy.allowedScopes().contains(scope)) {
            errors.put(
                    "scope",
                    "'" + scope.wireName() + "' is not allowed; allowed: "
                            + policy.allowedScopes().stream()
                                    .map(Scope::wireName)
                                    .sorted()
                                    .collect(Collectors.joining(", "))
                            + " (policy of group '" + policy.allowedScopesBy() + "')");
        }
        List<String> ips = allowedIps;
        if (!policy.requiredIpRanges().isEmpty()) {
            if (ips.isEmpty() && policy.requiredIpRanges().size() == 1) {
                ips = policy.requiredIpRanges().getFirst().ranges().toStrings();
            } else if (ips.isEmpty()) {
                errors.put("allowedIps", "required: " + describe(policy.requiredIpRanges()));
            } else {
                for (EffectivePolicy.RangeRule rule : policy.requiredIpRanges()) {
                    for (String cidr : ips) {
                        if (!within(cidr, rule)) {
                            errors.put(
                                    "allowedIps",
                                    "'" + cidr + "' is outside " + rule.ranges().toStrings() + " (policy of group '"
                                            + rule.group() + "')");
                        }
                    }
                }
            }
        }
        String conflict = null;
        EffectivePolicy.Limit active = policy.maxActiveTokens();
        if (active != null && activeTokens >= active.value()) {
            conflict = tooManyTokens(active);
        }
        return new Outcome(errors, conflict, ips, policy.approvalRequired());
    }

    /** The refusal of a token beyond the policy's {@code maxActiveTokens}. */
    public static String tooManyTokens(EffectivePolicy.Limit active) {
        return "at most " + active.value() + " active tokens per user (policy of group '" + active.group()
                + "'); revoke one first";
    }

    private static String describe(List<EffectivePolicy.RangeRule> rules) {
        return rules.stream()
                .map(r -> "within " + r.ranges().toStrings() + " (policy of group '" + r.group() + "')")
                .collect(Collectors.joining(" and "));
    }

    /** Whether every address of {@code cidr} lies inside one range of the rule. */
    static boolean within(String cidr, EffectivePolicy.RangeRule rule) {
        IpRange range;
        try {
            range = IpRange.parse(cidr);
        } catch (RuntimeException e) {
            return false; // reported by the request's own validation
        }
        String text = range.toString();
        InetAddress network = IpAddresses.parseLiteral(
                        text.substring(0, text.indexOf('/') < 0 ? text.length() : text.indexOf('/')))
                .orElse(null);
        if (network == null) {
            return false;
        }
        return rule.ranges().ranges().stream()
                .anyMatch(outer -> outer.isIpv6() == range.isIpv6()
                        && outer.prefixLength() <= range.prefixLength()
                        && outer.contains(network));
    }
}
