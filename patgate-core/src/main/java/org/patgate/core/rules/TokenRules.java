package org.patgate.core.rules;

import java.util.List;
import org.patgate.core.decision.Decision;
import org.patgate.core.decision.ForwardedMethods;

/**
 * A token's fine-grained rules beyond its scope: a request must match no {@code deny} rule and, when
 * {@code allow} is not empty, at least one {@code allow} rule. {@code preset} names the preset the
 * rules came from (for display); the rules themselves are stored expanded, so a later change to a
 * preset never changes existing tokens. Immutable and thread-safe.
 */
public record TokenRules(String preset, List<MethodPathRule> allow, List<MethodPathRule> deny) {

    /** No rules: the scope alone decides. */
    public static final TokenRules NONE = new TokenRules(null, List.of(), List.of());

    public TokenRules {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    public boolean isEmpty() {
        return allow.isEmpty() && deny.isEmpty();
    }

    /**
     * Decides a request whose path is already normalised. A method that is not forwarded exactly as
     * spelled ({@code delete}, {@code Get}, {@code TRACE}) is refused before any rule is looked at: a
     * deny rule on {@code DELETE} must not be passed by a spelling the upstream treats as
     * {@code DELETE}.
     */
    public Decision decide(String method, String normalizedPath) {
        if (ForwardedMethods.check(method) instanceof Decision.Deny deny) {
            return deny;
        }
        for (MethodPathRule rule : deny) {
            if (rule.matches(method, normalizedPath)) {
                return Decision.Deny.forbidden("this token's rules forbid " + method + " on this path");
            }
        }
        if (allow.isEmpty()) {
            return Decision.ALLOW;
        }
        for (MethodPathRule rule : allow) {
            if (rule.matches(method, normalizedPath)) {
                return Decision.ALLOW;
            }
        }
        return Decision.Deny.forbidden("this token's rules do not allow " + method + " on this path");
    }
}
