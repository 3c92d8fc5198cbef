package org.patgate.server.gateway;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Who may still use a password on REST paths while password authentication is blocked: listed
 * usernames, and members of listed groups. Group membership is looked up through the directory and
 * cached briefly, so a burst of password requests costs one lookup. The password itself is not
 * checked here; it goes to the upstream, which checks it. Thread-safe.
 */
public final class PasswordExemptions implements Predicate<String> {

    private final Set<String> users;
    private final Set<String> groups;
    private final LoadingCache<String, Boolean> memberOfExemptGroup;

    /**
     * @param groupsOf the groups of a user (empty when unknown or disabled)
     */
    public PasswordExemptions(
            Collection<String> users,
            Collection<String> groups,
            Function<String, Set<String>> groupsOf,
            Duration cacheTtl) {
        this.users = lower(users);
        this.groups = lower(groups);
        this.memberOfExemptGroup = Caffeine.newBuilder()
                .maximumSize(10_000)
                .expireAfterWrite(cacheTtl)
                .build(username -> groupsOf.apply(username).stream()
                        .anyMatch(g -> this.groups.contains(g.toLowerCase(Locale.ROOT))));
    }

    @Override
    public boolean test(String username) {
        if (username == null || username.isEmpty()) {
            return false;
        }
        String key = username.toLowerCase(Locale.ROOT);
        if (users.contains(key)) {
            return true;
        }
        return !groups.isEmpty() && memberOfExemptGroup.get(key);
    }

    private static Set<String> lower(Collection<String> names) {
        return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
