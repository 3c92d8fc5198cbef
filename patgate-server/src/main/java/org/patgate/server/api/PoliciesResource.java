package org.patgate.server.api;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.patgate.core.PatgateException;
import org.patgate.core.token.Scope;
import org.patgate.server.api.internal.GroupTarget;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.http.Exchange;
import org.patgate.server.permission.Permissions;
import org.patgate.server.policy.Policy;
import org.patgate.server.policy.PolicyService;
import org.patgate.server.principal.Principal;

/**
 * {@code /policies} (admins): {@code GET /policies}; {@code GET|PUT|DELETE /policies/everyone} and
 * {@code /policies/groups/{name}}. Thread-safe.
 */
public final class PoliciesResource {

    private final PolicyService service;

    public PoliciesResource(PolicyService service) {
        this.service = service;
    }

    /** A policy in JSON; absent or null limits mean "no limit". */
    record PolicyBody(
            Integer maxLifetimeDays,
            Boolean expiryRequired,
            Integer maxActiveTokens,
            List<String> allowedScopes,
            List<String> requiredIpRanges,
            Boolean approvalRequired,
            Integer rateLimitPerMinute,
            Integer rateLimitPerSecond,
            Integer rateLimitPerDay,
            Integer rateLimitBurst,
            // notifications
            List<Integer> reminderDays,
            Integer revokeUnusedAfterDays) {

        Policy toPolicy() {
            EnumSet<Scope> scopes = null;
            if (allowedScopes != null) {
                scopes = EnumSet.noneOf(Scope.class);
                for (String scope : allowedScopes) {
                    try {
                        scopes.add(Scope.fromWireName(scope));
                    } catch (PatgateException e) {
                        throw new InvalidRequestException(
                                "allowedScopes: unknown scope '" + scope + "'",
                                Map.of("allowedScopes", "read-only or read-write"));
                    }
                }
            }
            return new Policy(
                    maxLifetimeDays,
                    Boolean.TRUE.equals(expiryRequired),
                    maxActiveTokens,
                    scopes,
                    requiredIpRanges,
                    Boolean.TRUE.equals(approvalRequired),
                    rateLimitPerMinute,
                    rateLimitPerSecond,
                    rateLimitPerDay,
                    rateLimitBurst,
                    reminderDays,
                    revokeUnusedAfterDays);
        }

        static PolicyBody of(Policy p) {
            return new PolicyBody(
                    p.maxLifetimeDays(),
                    p.expiryRequired(),
                    p.maxActiveTokens(),
                    p.allowedScopes() == null
                            ? null
                            : p.allowedScopes().stream()
                                    .map(Scope::wireName)
                                    .sorted()
                                    .toList(),
                    p.requiredIpRanges(),
                    p.approvalRequired(),
                    p.rateLimitPerMinute(),
                    p.rateLimitPerSecond(),
                    p.rateLimitPerDay(),
                    p.rateLimitBurst(),
                    p.reminderDays(),
                    p.revokeUnusedAfterDays());
        }
    }

    record GroupPolicyView(String group, PolicyBody policy) {}

    record AllPoliciesView(PolicyBody everyone, Map<String, PolicyBody> groups) {}

    void all(Exchange exchange, Principal principal) {
        PolicyBody everyone = null;
        Map<String, PolicyBody> groups = new TreeMap<>();
        for (Map.Entry<String, Policy> entry : service.all(principal).entrySet()) {
            if (entry.getKey().equals(Permissions.EVERYONE)) {
                everyone = PolicyBody.of(entry.getValue());
            } else {
                groups.put(entry.getKey(), PolicyBody.of(entry.getValue()));
            }
        }
        exchange.sendJson(200, new AllPoliciesView(everyone, groups));
    }

    void get(Exchange exchange, Principal principal) {
        GroupTarget target = GroupTarget.of(exchange.segments());
        exchange.sendJson(
                200, new GroupPolicyView(target.shown(), PolicyBody.of(service.get(principal, target.key()))));
    }

    void put(Exchange exchange, Principal principal) {
        GroupTarget target = GroupTarget.of(exchange.segments());
        Policy policy = exchange.readJson(PolicyBody.class).toPolicy();
        exchange.sendJson(
                200,
                new GroupPolicyView(
                        target.shown(),
                        PolicyBody.of(service.put(principal, exchange.sourceIp(), target.key(), policy))));
    }

    void delete(Exchange exchange, Principal principal) {
        service.delete(
                principal,
                exchange.sourceIp(),
                GroupTarget.of(exchange.segments()).key());
        exchange.sendNoContent();
    }
}
