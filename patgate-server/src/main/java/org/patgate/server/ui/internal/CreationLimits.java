package org.patgate.server.ui.internal;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.patgate.core.rules.RulePresets;
import org.patgate.core.token.Scope;
import org.patgate.server.policy.EffectivePolicy;
import org.patgate.server.policy.Policies;
import org.patgate.server.principal.Principal;

/**
 * The limits shown beside the create form, from the same policies the token service enforces
 * (the service has the last word; this only tells the user beforehand). Thread-safe.
 */
public final class CreationLimits {

    private final Policies policies;
    private final int serverMaxDays;
    private final Clock clock;

    public CreationLimits(Policies policies, int serverMaxDays, Clock clock) {
        this.policies = policies;
        this.serverMaxDays = serverMaxDays;
        this.clock = clock;
    }

    Views.Limits of(Principal owner) {
        EffectivePolicy policy = policies.effectiveFor(owner.groups());
        Integer maxDays = serverMaxDays > 0 ? serverMaxDays : null;
        String by = maxDays == null ? null : "this server";
        if (policy.maxLifetimeDays() != null
                && (maxDays == null || policy.maxLifetimeDays().value() < maxDays)) {
            maxDays = policy.maxLifetimeDays().value();
            by = by(policy.maxLifetimeDays().group());
        }
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        List<String> scopes = new ArrayList<>();
        for (Scope scope : List.of(Scope.READ_ONLY, Scope.READ_WRITE)) {
            if (policy.allowedScopes() == null || policy.allowedScopes().contains(scope)) {
                scopes.add(scope.wireName());
            }
        }
        return new Views.Limits(
                maxDays,
                by,
                today.plusDays(1).toString(),
                maxDays == null ? null : today.plusDays(maxDays).toString(),
                policy.expiryRequired() || maxDays != null,
                scopes,
                RulePresets.all(),
                policy.approvalRequiredBy() == null ? null : by(policy.approvalRequiredBy()));
    }

    private static String by(String group) {
        return group.equals("everyone") ? "the policy for everyone" : "the policy of group " + group;
    }
}
