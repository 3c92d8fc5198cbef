package org.patgate.server.ui;

import org.patgate.server.auth.UiSessions;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.patgate.core.net.IpRangeSet;
import org.patgate.server.activity.TokenActivity;
import org.patgate.server.auth.ApiAuthenticator;
import org.patgate.server.directory.UserService;
import org.patgate.server.permission.PermissionService;
import org.patgate.server.policy.Policies;
import org.patgate.server.policy.PolicyService;
import org.patgate.server.settings.SettingsService;
import org.patgate.server.store.AuditRepository;
import org.patgate.server.token.TokenService;

/**
 * What the web UI works with: the same application services as the management API, never the
 * store directly. {@code serverMaxLifetimeDays} is {@code tokens.maxLifetimeDays} (0 = unlimited);
 * {@code restPaths} are the gateway's protected paths, used for the ready-made {@code curl} example.
 * {@code audit} is read only through the filters and export the API's audit resource uses.
 */
public record UiContext(UiSessions sessions, ApiAuthenticator authenticator, TokenService tokens,
        TokenActivity activity, UserService users, Policies policies, int serverMaxLifetimeDays,
        IpRangeSet trustedProxies, List<String> restPaths, Clock clock,
        PermissionService permissionService, PolicyService policyService, SettingsService settings,
        AuditRepository audit) {

    public UiContext {
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(activity, "activity");
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(policies, "policies");
        Objects.requireNonNull(trustedProxies, "trustedProxies");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(permissionService, "permissionService");
        Objects.requireNonNull(policyService, "policyService");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(audit, "audit");
        restPaths = List.copyOf(restPaths);
    }
}
