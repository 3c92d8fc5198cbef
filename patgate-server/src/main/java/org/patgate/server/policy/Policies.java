package org.patgate.server.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.patgate.core.net.IpRangeSet;
import org.patgate.core.token.Scope;
import org.patgate.server.store.GrantRepository;
import org.patgate.server.store.PolicyRecord;
import org.patgate.server.store.PolicyRepository;

/**
 * Token policies by group, kept in memory (a small table) and combined per user: the most
 * restrictive value of each rule wins. Thread-safe.
 */
public final class Policies {

    private final PolicyRepository repository;
    private final AtomicReference<Map<String, Policy>> byGroup = new AtomicReference<>(Map.of());

    public Policies(PolicyRepository repository) {
        this.repository = repository;
        reload();
    }

    /** Group key ("*" for everyone) to its policy. */
    public Map<String, Policy> all() {
        reload();
        return new TreeMap<>(byGroup.get());
    }

    public Policy ofGroup(String group) {
        reload();
        return byGroup.get().get(GrantRepository.key(group));
    }

    public void put(String group, Policy policy) {
        repository.put(new PolicyRecord(
                GrantRepository.key(group),
                policy.maxLifetimeDays(),
                policy.expiryRequired(),
                policy.maxActiveTokens(),
                policy.allowedScopes() == null
                        ? null
                        : policy.allowedScopes().stream()
                                .map(Scope::wireName)
                                .sorted()
                                .collect(Collectors.joining(",")),
                policy.requiredIpRanges() == null ? null : String.join(",", policy.requiredIpRanges()),
                policy.approvalRequired(),
                policy.rateLimitPerMinute(),
                policy.rateLimitPerSecond(),
                policy.rateLimitPerDay(),
                policy.rateLimitBurst(),
                policy.reminderDays() == null
                        ? null
                        : policy.reminderDays().stream().map(String::valueOf).collect(Collectors.joining(",")),
                policy.revokeUnusedAfterDays()));
        reload();
    }

    public boolean delete(String group) {
        boolean removed = repository.delete(GrantRepository.key(group));
        reload();
        return removed;
    }

    /** The combination of "everyone"'s policy and those of the given groups. */
    public EffectivePolicy effectiveFor(Collection<String> groups) {
        // Read afresh: policies matter only when a token is created, and another node may have changed them.
        reload();
        Map<String, Policy> table = byGroup.get();
        List<Map.Entry<String, Policy>> applicable = new ArrayList<>();
        if (table.containsKey(GrantRepository.EVERYONE)) {
            applicable.add(Map.entry("everyone", table.get(GrantRepository.EVERYONE)));
        }
        for (String group : groups) {
            Policy policy = table.get(group.toLowerCase(Locale.ROOT));
            if (policy != null) {
                applicable.add(Map.entry(group, policy));
            }
        }
        EffectivePolicy.Limit lifetime = null;
        EffectivePolicy.Limit active = null;
        String expiryBy = null;
        String approvalBy = null;
        Set<Scope> scopes = null;
        String scopesBy = null;
        Integer rate = null;
        List<EffectivePolicy.RangeRule> ranges = new ArrayList<>();
        for (Map.Entry<String, Policy> entry : applicable) {
            Policy p = entry.getValue();
            String group = entry.getKey();
            if (p.maxLifetimeDays() != null && (lifetime == null || p.maxLifetimeDays() < lifetime.value())) {
                lifetime = new EffectivePolicy.Limit(p.maxLifetimeDays(), group);
            }
            if (p.maxActiveTokens() != null && (active == null || p.maxActiveTokens() < active.value())) {
                active = new EffectivePolicy.Limit(p.maxActiveTokens(), group);
            }
            if (p.expiryRequired() && expiryBy == null) {
                expiryBy = group;
            }
            if (p.approvalRequired() && approvalBy == null) {
                approvalBy = group;
            }
            if (p.allowedScopes() != null) {
                EnumSet<Scope> narrowed = scopes == null ? EnumSet.copyOf(p.allowedScopes()) : EnumSet.copyOf(scopes);
                narrowed.retainAll(p.allowedScopes());
                if (scopes == null || narrowed.size() < scopes.size()) {
                    scopesBy = group;
                }
                scopes = narrowed;
            }
            if (p.rateLimitPerMinute() != null && (rate == null || p.rateLimitPerMinute() < rate)) {
                rate = p.rateLimitPerMinute();
            }
            if (p.requiredIpRanges() != null) {
                ranges.add(new EffectivePolicy.RangeRule(IpRangeSet.of(p.requiredIpRanges()), group));
            }
        }
        return new EffectivePolicy(
                lifetime,
                expiryBy,
                active,
                scopes == null ? null : Set.copyOf(scopes),
                scopesBy,
                List.copyOf(ranges),
                approvalBy,
                rate);
    }

    /**
     * The notification rules for a member of {@code groups}: the union of the reminder days their
     * policies set (the default when none sets any), the smallest revoke-unused limit.
     */
    public NoticeRules noticeRulesFor(Collection<String> groups) {
        Map<String, Policy> table = byGroup.get();
        List<Policy> applicable = new ArrayList<>();
        if (table.containsKey(GrantRepository.EVERYONE)) {
            applicable.add(table.get(GrantRepository.EVERYONE));
        }
        for (String group : groups) {
            Policy policy = table.get(group.toLowerCase(Locale.ROOT));
            if (policy != null) {
                applicable.add(policy);
            }
        }
        Set<Integer> days = null;
        Integer revokeUnused = null;
        for (Policy p : applicable) {
            if (p.reminderDays() != null) {
                days = days == null ? new TreeSet<>() : days;
                days.addAll(p.reminderDays());
            }
            if (p.revokeUnusedAfterDays() != null
                    && (revokeUnused == null || p.revokeUnusedAfterDays() < revokeUnused)) {
                revokeUnused = p.revokeUnusedAfterDays();
            }
        }
        List<Integer> reminders = days == null
                ? Policy.DEFAULT_REMINDER_DAYS
                : days.stream().sorted(Comparator.reverseOrder()).toList();
        return new NoticeRules(reminders, revokeUnused);
    }

    public void reload() {
        Map<String, Policy> table = new TreeMap<>();
        for (PolicyRecord r : repository.all()) {
            Set<Scope> scopes = r.allowedScopes() == null
                    ? null
                    : Arrays.stream(r.allowedScopes().split(","))
                            .map(Scope::fromWireName)
                            .collect(Collectors.toSet());
            List<String> ranges = r.requiredIpRanges() == null
                    ? null
                    : List.of(r.requiredIpRanges().split(","));
            table.put(
                    r.groupKey(),
                    new Policy(
                            r.maxLifetimeDays(),
                            r.expiryRequired(),
                            r.maxActiveTokens(),
                            scopes,
                            ranges,
                            r.approvalRequired(),
                            r.rateLimitPerMinute(),
                            r.rateLimitPerSecond(),
                            r.rateLimitPerDay(),
                            r.rateLimitBurst(),
                            r.reminderDays() == null
                                    ? null
                                    : Arrays.stream(r.reminderDays().split(","))
                                            .filter(day -> !day.isBlank())
                                            .map(Integer::valueOf)
                                            .toList(),
                            r.revokeUnusedAfterDays()));
        }
        byGroup.set(Map.copyOf(table));
    }
}
