package org.patgate.server.settings;

import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.patgate.core.decision.ReadOnlyPolicy;
import org.patgate.core.net.IpRangeSet;
import org.patgate.core.path.PathPatternSet;

/**
 * The {@code rest.*} rules the gateway's {@code AccessDecider} applies, compiled once: where tokens are enforced,
 * what a read-only token may POST, whether passwords are refused (and who is exempt), whether requests
 * without credentials pass, where the REST API may be used from ({@code restAllowedIps}; empty =
 * anywhere), and which cookies are the upstream's sessions ({@code sessionCookies}, exact names). Built once per settings change and then shared by every request. Immutable and
 * thread-safe as long as {@code passwordExempt} is.
 */
public record RestRules(
        PathPatternSet restPaths,
        ReadOnlyPolicy readOnly,
        boolean blockPasswords,
        boolean allowAnonymous,
        Predicate<String> passwordExempt,
        IpRangeSet restAllowedIps,
        Set<String> sessionCookies) {

    public RestRules {
        Objects.requireNonNull(restPaths, "restPaths");
        Objects.requireNonNull(readOnly, "readOnly");
        Objects.requireNonNull(passwordExempt, "passwordExempt");
        Objects.requireNonNull(restAllowedIps, "restAllowedIps");
        sessionCookies = Set.copyOf(sessionCookies);
    }

    /** As the canonical constructor, with no session cookies: a cookie never stands in for credentials. */
    public RestRules(
            PathPatternSet restPaths,
            ReadOnlyPolicy readOnly,
            boolean blockPasswords,
            boolean allowAnonymous,
            Predicate<String> passwordExempt,
            IpRangeSet restAllowedIps) {
        this(restPaths, readOnly, blockPasswords, allowAnonymous, passwordExempt, restAllowedIps, Set.of());
    }
}
