package org.patgate.server.app;

import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.eclipse.jetty.server.Handler;
import org.patgate.core.net.IpRangeSet;
import org.patgate.core.token.TokenFormat;
import org.patgate.server.activity.ActivityRecorder;
import org.patgate.server.api.ApiDocsResource;
import org.patgate.server.api.ApiHandler;
import org.patgate.server.api.ApiRoutes;
import org.patgate.server.api.AuditResource;
import org.patgate.server.api.ClusterResource;
import org.patgate.server.api.DirectoryResource;
import org.patgate.server.api.NotificationsResource;
import org.patgate.server.api.PermissionsResource;
import org.patgate.server.api.PoliciesResource;
import org.patgate.server.api.RateLimitsResource;
import org.patgate.server.api.SelfResource;
import org.patgate.server.api.SettingsResource;
import org.patgate.server.api.TokensResource;
import org.patgate.server.api.UpstreamLinkResource;
import org.patgate.server.api.UsageResource;
import org.patgate.server.api.UsersResource;
import org.patgate.server.auth.ApiAuthenticator;
import org.patgate.server.auth.UiSessions;
import org.patgate.server.cluster.NodeRegistry;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.config.SettingType;
import org.patgate.server.gateway.AccessDecider;
import org.patgate.server.gateway.CredentialExtractor;
import org.patgate.server.gateway.ExchangeAdmission;
import org.patgate.server.gateway.ExchangeBudget;
import org.patgate.server.gateway.GatewayDecision;
import org.patgate.server.gateway.GatewayGate;
import org.patgate.server.gateway.GatewayHandler;
import org.patgate.server.gateway.NativeCredentialSwap;
import org.patgate.server.gateway.NativeTokenAdmin;
import org.patgate.server.gateway.PasswordsOutsideRestPaths;
import org.patgate.server.gateway.UpstreamHeaders;
import org.patgate.server.gateway.UpstreamProxy;
import org.patgate.server.http.ClientAddressResolver;
import org.patgate.server.identity.JwtIssuer;
import org.patgate.server.metrics.GatewayMetrics;
import org.patgate.server.ratelimit.RateLimiter;
import org.patgate.server.settings.SettingsService;
import org.patgate.server.token.TokenVerifier;
import org.patgate.server.ui.UiHandler;
import org.patgate.server.ui.internal.AdminPages;
import org.patgate.server.ui.internal.AuditPages;
import org.patgate.server.ui.internal.ClusterPages;
import org.patgate.server.ui.internal.CreationLimits;
import org.patgate.server.ui.internal.CurlExample;
import org.patgate.server.ui.internal.LoginPages;
import org.patgate.server.ui.internal.NotificationPages;
import org.patgate.server.ui.internal.PermissionPages;
import org.patgate.server.ui.internal.SettingsPages;
import org.patgate.server.ui.internal.TokenManagerPages;
import org.patgate.server.ui.internal.TokenPages;
import org.patgate.server.ui.internal.UpstreamLinkPages;
import org.patgate.server.ui.internal.UsagePages;
import org.patgate.server.ui.internal.UserPages;
import org.patgate.server.upstream.UpstreamLinks;

/**
 * Builds the three handlers of a node's HTTP edge on top of its {@link Services}: the management API
 * with its resources, the web UI with its pages, and the gateway in front of the upstream (decider,
 * identity for the upstream, the native token swap in identity mode {@code upstream-token}, the
 * proxy). {@link PatgateServer} puts them into one handler tree. Stateless.
 */
final class EdgeHandlers {

    private EdgeHandlers() {}

    /** The management API under {@code /.patgate/api/v1}. */
    static ApiHandler api(
            PatgateConfig config,
            Services s,
            ApiAuthenticator authenticator,
            ClientAddressResolver addresses,
            Clock clock,
            NodeRegistry nodes) {
        ApiRoutes.Resources resources = new ApiRoutes.Resources(
                new TokensResource(
                        s.issuer(),
                        s.tokenQueries(),
                        s.revocation(),
                        s.rotation(),
                        s.approvals(),
                        s.statusDetails(),
                        s.tokenActivity(),
                        clock,
                        s.rateLimits()),
                new UsersResource(s.users(), s.groups(), s.passwords(), authenticator),
                new AuditResource(s.auditTrail()),
                new PermissionsResource(s.permissionService()),
                new PoliciesResource(s.policyService()),
                new SettingsResource(s.settings()),
                new DirectoryResource(s.directory(), s.audit()),
                new UpstreamLinkResource(
                        s.upstreamLinks(),
                        s.users(),
                        authenticator,
                        config.identity().nativeTokenLifetime(),
                        SettingType.Choice.wireName(config.identity().mode())),
                new ApiDocsResource(),
                new SelfResource(s.verifier(), s.tokenQueries(), s.rateLimiter(), clock),
                new RateLimitsResource(s.rateLimits(), s.users(), s.tokenQueries()),
                new UsageResource(s.usageReport(), s.ipHistory()),
                new NotificationsResource(s.notifications().targets()),
                new ClusterResource(nodes));
        return new ApiHandler(
                authenticator, ApiRoutes.ALL, resources, config.api().maxBodyBytes(), addresses);
    }

    /** The web UI under {@code /.patgate/}. */
    static UiHandler ui(
            PatgateConfig config,
            Services s,
            UiSessions uiSessions,
            ApiAuthenticator authenticator,
            IpRangeSet trustedProxies,
            Clock clock,
            NodeRegistry nodes,
            BooleanSupplier databaseUnreachable) {
        UpstreamLinkPages upstreamLinkPages = new UpstreamLinkPages(
                s.upstreamLinks(),
                UpstreamLinkPages.productName(config.upstream().product()),
                config.identity().nativeTokenLifetime());
        return new UiHandler(
                uiSessions,
                trustedProxies,
                new LoginPages(uiSessions, authenticator),
                new TokenPages(
                        s.issuer(),
                        s.tokenQueries(),
                        s.revocation(),
                        s.rotation(),
                        s.statusDetails(),
                        s.tokenActivity(),
                        new CreationLimits(s.policies(), config.tokens().maxLifetimeDays(), clock),
                        new CurlExample(uiSessions, config.rest().paths()),
                        clock,
                        s.rateLimits(),
                        s.rateLimiter(),
                        s.ipHistory()),
                new AdminPages(
                        s.approvals(),
                        new TokenManagerPages(s.tokenQueries(), s.revocation(), clock),
                        new UserPages(s.users(), s.groups(), s.passwords(), s.tokenQueries(), upstreamLinkPages),
                        new PermissionPages(s.permissionService(), s.policyService()),
                        new SettingsPages(s.settings()),
                        new AuditPages(s.auditTrail()),
                        new NotificationPages(s.notifications().targets()),
                        clock,
                        new UsagePages(s.usageReport()),
                        new ClusterPages(nodes)),
                upstreamLinkPages,
                databaseUnreachable);
    }

    /** The gateway's decisions and what they need, shared by the Jetty and the Netty data plane. */
    record Gateway(GatewayGate gate, NativeCredentialSwap nativeCredentials, UpstreamHeaders headers) {}

    static Gateway gate(
            PatgateConfig config,
            TokenVerifier verifier,
            SettingsService settings,
            TokenFormat format,
            ActivityRecorder activity,
            Clock clock,
            JwtIssuer jwt,
            PasswordsOutsideRestPaths passwordsOutside,
            ClientAddressResolver addresses,
            UpstreamLinks upstreamLinks,
            Executor blocking,
            GatewayMetrics metrics,
            RateLimiter limiter) {
        // The decider asks the settings for the rules on every request, so changes apply without a restart.
        AccessDecider decider = new AccessDecider(
                verifier,
                settings,
                passwordsOutside,
                NativeTokenAdmin.of(config.upstream().product().nativeTokenAdmin()));
        Function<GatewayDecision.Forward, String> identityValue =
                switch (config.identity().mode()) {
                    // upstream-token: the native token authenticates; the username is for the product's logs.
                    case HEADER, UPSTREAM_TOKEN -> GatewayDecision.Forward::identity;
                    case JWT -> forward -> jwt.issue(forward.token());
                    case NONE -> null;
                };
        NativeCredentialSwap nativeCredentials = upstreamLinks == null
                ? null
                : new NativeCredentialSwap(upstreamLinks, config.upstream().product());
        UpstreamHeaders headers = new UpstreamHeaders(config.identity().header(), identityValue);
        GatewayGate gate = new GatewayGate(
                decider,
                new CredentialExtractor(format.prefix()),
                addresses,
                activity,
                clock,
                nativeCredentials,
                headers,
                blocking,
                metrics,
                limiter,
                config.tokens().expiresHeader());
        return new Gateway(gate, nativeCredentials, headers);
    }

    /** The Jetty data plane's gateway: decision, exchange budget, proxy. */
    static Handler jettyGateway(PatgateConfig config, Gateway gateway, ExchangeBudget exchanges) {
        UpstreamProxy proxy = new UpstreamProxy(
                config.upstream().url(),
                gateway.headers(),
                config.upstream().connectTimeout(),
                config.upstream().readTimeout(),
                config.limits().upstreamConnections(),
                gateway.nativeCredentials(),
                gateway.gate());
        return new GatewayHandler(gateway.gate(), new ExchangeAdmission(exchanges, proxy));
    }
}
