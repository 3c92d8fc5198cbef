package org.patgate.server.app;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.patgate.core.decision.ReadOnlyPolicy;
import org.patgate.core.net.IpRangeSet;
import org.patgate.core.path.PathPatternSet;
import org.patgate.core.token.TokenDigester;
import org.patgate.core.token.TokenFormat;
import org.patgate.server.activity.ActivityRecorder;
import org.patgate.server.activity.IpHistory;
import org.patgate.server.activity.PathGroups;
import org.patgate.server.activity.TokenActivity;
import org.patgate.server.activity.UsageCounters;
import org.patgate.server.activity.UsageReport;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.audit.AuditTrail;
import org.patgate.server.audit.SecretRedactor;
import org.patgate.server.cluster.ClusterJobs;
import org.patgate.server.cluster.Heartbeat;
import org.patgate.server.cluster.LocalCaches;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.config.RestConfig;
import org.patgate.server.directory.Directories;
import org.patgate.server.directory.Groups;
import org.patgate.server.directory.LocalDirectory;
import org.patgate.server.directory.PasswordHasher;
import org.patgate.server.directory.Passwords;
import org.patgate.server.directory.UserAccounts;
import org.patgate.server.directory.ldap.LdapDirectory;
import org.patgate.server.gateway.PasswordExemptions;
import org.patgate.server.notify.NotificationTargets;
import org.patgate.server.notify.Notifications;
import org.patgate.server.notify.WebhookSecrets;
import org.patgate.server.permission.PermissionService;
import org.patgate.server.permission.Permissions;
import org.patgate.server.policy.Policies;
import org.patgate.server.policy.PolicyService;
import org.patgate.server.ratelimit.RateLimiter;
import org.patgate.server.ratelimit.RateLimits;
import org.patgate.server.ratelimit.SharedLimits;
import org.patgate.server.settings.RestRules;
import org.patgate.server.settings.SettingsService;
import org.patgate.server.store.Database;
import org.patgate.server.token.TokenApprovals;
import org.patgate.server.token.TokenIssuer;
import org.patgate.server.token.TokenQueries;
import org.patgate.server.token.TokenRevocation;
import org.patgate.server.token.TokenRotation;
import org.patgate.server.token.TokenSecrets;
import org.patgate.server.token.TokenStatusDetails;
import org.patgate.server.token.TokenVerifier;
import org.patgate.server.upstream.AtlassianAccounts;
import org.patgate.server.upstream.CredentialCipher;
import org.patgate.server.upstream.UpstreamLinks;

/**
 * The services floor of one node, wired from its configuration and database: audit, directories,
 * users and groups, tokens, permissions, policies, settings, activity and the users' links to the
 * upstream product. Only {@link PatgateServer}
 * uses it, to build the HTTP edge on top. {@link #close()} stops what runs in the background (the
 * activity writer, the settings re-read, LDAP connections); the database stays open.
 */
record Services(
        AuditLog audit,
        Permissions permissions,
        Policies policies,
        Directories directory,
        TokenVerifier verifier,
        Passwords passwords,
        Groups groups,
        UserAccounts users,
        TokenQueries tokenQueries,
        TokenIssuer issuer,
        TokenRevocation revocation,
        TokenRotation rotation,
        TokenApprovals approvals,
        TokenStatusDetails statusDetails,
        TokenActivity tokenActivity,
        PermissionService permissionService,
        PolicyService policyService,
        AuditTrail auditTrail,
        SettingsService settings,
        ActivityRecorder activity,
        UpstreamLinks upstreamLinks,
        List<LongConsumer> ownerChangeListeners,
        RateLimits rateLimits,
        RateLimiter rateLimiter,
        SharedLimits sharedLimits,
        UsageReport usageReport,
        IpHistory ipHistory,
        Notifications notifications,
        ClusterJobs clusterJobs)
        implements AutoCloseable {

    /**
     * Wires the services; on failure closes what it had started and rethrows. Reads the LDAP trust
     * store but contacts no server: a node starts while the directory or the upstream is down.
     *
     * @param credentials encrypts the users' native upstream tokens (identity mode {@code upstream-token}),
     *                    else null: then there are no {@link #upstreamLinks()}
     */
    static Services wire(
            PatgateConfig config,
            Database database,
            Clock clock,
            TokenFormat format,
            TokenDigester digester,
            SecureRandom random,
            CredentialCipher credentials) {
        Directories directory = null;
        SettingsService settings = null;
        try {
            AuditLog audit = new AuditLog(database.audit(), clock, new SecretRedactor(format));
            // Scheduled jobs run on one node of a cluster at a time (within this node on H2).
            ClusterJobs clusterJobs = ClusterJobs.on(database);
            PasswordHasher hasher = new PasswordHasher();
            Permissions permissions =
                    new Permissions(database.grants(), config.tokens().cacheTtl());
            Policies policies = new Policies(database.policies());
            directory = new Directories(
                    database,
                    new LocalDirectory(database, hasher, permissions),
                    config.directory().ldap().map(ldap -> LdapDirectory.connect(ldap, clock)),
                    permissions);
            // A user's groups, state or rate limit changed: cached token checks of theirs (and, through the
            // listeners, identity JWTs) go at once.
            List<LongConsumer> ownerChangeListeners = new CopyOnWriteArrayList<>();
            RateLimits rateLimits = new RateLimits(
                    database,
                    policies,
                    directory::groupsOf,
                    audit,
                    ownerId -> ownerChangeListeners.forEach(listener -> listener.accept(ownerId)));
            TokenVerifier verifier = new TokenVerifier(
                    format,
                    digester,
                    database.tokens(),
                    database.users(),
                    directory::mayUseTokens,
                    rateLimits::resolve,
                    clock,
                    config.tokens().cacheTtl(),
                    config.tokens().negativeCacheTtl(),
                    100_000);
            Passwords passwords = new Passwords(database, hasher, directory, audit, random);
            Groups groups = new Groups(database, directory);
            ownerChangeListeners.add(verifier::invalidateOwner);
            UserAccounts users = new UserAccounts(
                    database,
                    passwords,
                    groups,
                    audit,
                    config.admin().group(),
                    ownerId -> ownerChangeListeners.forEach(listener -> listener.accept(ownerId)));
            TokenSecrets secrets = new TokenSecrets(format, digester, random);
            TokenQueries tokenQueries = new TokenQueries(database, clock);
            TokenIssuer issuer = new TokenIssuer(
                    database,
                    secrets,
                    directory,
                    policies,
                    audit,
                    clock,
                    config.tokens().maxLifetimeDays());
            TokenRevocation revocation = new TokenRevocation(database, tokenQueries, verifier, audit, clock);
            TokenRotation rotation = new TokenRotation(database, tokenQueries, secrets, verifier, audit, clock);
            TokenApprovals approvals =
                    new TokenApprovals(database, tokenQueries, verifier, directory, policies, audit, clock);
            TokenStatusDetails statusDetails = new TokenStatusDetails(database, directory, clock);
            settings = new SettingsService(
                    database,
                    config.rest(),
                    restRules(directory),
                    audit,
                    clock,
                    config.tokens().cacheTtl());
            ActivityRecorder activity = new ActivityRecorder(
                    database.tokens(),
                    database.activity(),
                    database.usage(),
                    clock,
                    config.activity().queueSize(),
                    config.activity().flushInterval(),
                    config.activity().recentRequests(),
                    clusterJobs);
            // Usage analytics and the tokens' address history are written by the activity writer.
            activity.countUsageIn(new UsageCounters(
                    database.usageCounters(),
                    new PathGroups(config.activity().usagePathDepth()),
                    clock,
                    config.activity().usageRetention(),
                    config.activity().usageKeys(),
                    clusterJobs));
            IpHistory ipHistory = new IpHistory(database.tokenAddresses(), tokenQueries);
            activity.attach(ipHistory);
            UpstreamLinks upstreamLinks = null;
            if (credentials != null) {
                upstreamLinks = new UpstreamLinks(
                        database,
                        credentials,
                        AtlassianAccounts.forProduct(
                                config.upstream().product(),
                                config.upstream().url(),
                                config.upstream().connectTimeout(),
                                config.upstream().readTimeout()),
                        audit,
                        clock,
                        config.tokens().cacheTtl());
                // A disabled or deleted user's native token is revoked in the product where it allows.
                users.onRemoval(upstreamLinks::userRemoved);
            }
            Notifications notifications = new Notifications(
                    config.notifications(),
                    database,
                    policies,
                    directory::groupsOf,
                    revocation,
                    notificationTargets(database, audit, digester, random),
                    clock,
                    config.admin().group(),
                    clusterJobs);
            // Told after each change has committed; the notices go out from the outbox, off these threads.
            issuer.onCreated((actor, token) -> notifications.tokenCreated(actor.username(), token));
            revocation.onRevoked((actor, token) -> notifications.tokenRevoked(actor.username(), token));
            approvals.onDecided((actor, token, approved, reason) ->
                    notifications.approvalDecided(actor.username(), token, approved, reason));
            // On the activity writer's thread. A token's first address is no news: only a later, other one is.
            ipHistory.onNewAddress(news -> {
                if (database.tokenAddresses().of(news.tokenId()).size() > 1) {
                    notifications.firstUseFromNewAddress(news.tokenId(), news.address(), news.userAgent());
                }
            });
            RateLimiter rateLimiter = new RateLimiter(clock, 100_000);
            SharedLimits sharedLimits = sharedLimits(database, rateLimiter, clock, random, clusterJobs);
            return new Services(
                    audit,
                    permissions,
                    policies,
                    directory,
                    verifier,
                    passwords,
                    groups,
                    users,
                    tokenQueries,
                    issuer,
                    revocation,
                    rotation,
                    approvals,
                    statusDetails,
                    new TokenActivity(tokenQueries, database.activity(), database.usage(), clock),
                    new PermissionService(
                            database,
                            permissions,
                            audit,
                            verifier::invalidateAll,
                            config.admin().group()),
                    policyService(database, policies, audit, verifier),
                    new AuditTrail(database, clock),
                    settings,
                    activity,
                    upstreamLinks,
                    ownerChangeListeners,
                    rateLimits,
                    rateLimiter,
                    sharedLimits,
                    new UsageReport(database.usageCounters(), clock),
                    ipHistory,
                    notifications,
                    clusterJobs);
        } catch (RuntimeException e) {
            if (settings != null) {
                settings.close();
            }
            if (directory != null) {
                directory.close();
            }
            throw e;
        }
    }

    /** Policies changed (rate limits among them): every cached token check goes. */
    private static PolicyService policyService(
            Database database, Policies policies, AuditLog audit, TokenVerifier verifier) {
        PolicyService service = new PolicyService(database, policies, audit);
        service.onChange(verifier::invalidateAll);
        return service;
    }

    /** What this node forgets when another node changed something: the same invalidation as for its own changes. */
    LocalCaches localCaches() {
        return new LocalCaches(
                verifier::invalidate,
                ownerId -> ownerChangeListeners.forEach(listener -> listener.accept(ownerId)),
                permissions::reload,
                settings::refresh,
                userId -> {
                    if (upstreamLinks != null) {
                        upstreamLinks.forget(userId);
                    }
                },
                verifier::invalidateAll);
    }

    /** Calls {@code listener} with a user's id whenever their groups or state change. */
    void onOwnerChange(LongConsumer listener) {
        ownerChangeListeners.add(listener);
    }

    /** Compiles the {@code rest.*} values in force into the gateway's rules; once per settings change. */
    private static Function<RestConfig, RestRules> restRules(Directories directory) {
        return rest -> new RestRules(
                PathPatternSet.of(rest.paths()),
                new ReadOnlyPolicy(PathPatternSet.of(rest.readOnlyPosts())),
                rest.passwordAuth() == RestConfig.PasswordAuth.BLOCK,
                rest.anonymous() == RestConfig.Anonymous.ALLOW,
                new PasswordExemptions(
                        rest.passwordExemptUsers(),
                        rest.passwordExemptGroups(),
                        directory::groupsOf,
                        Duration.ofSeconds(30)),
                IpRangeSet.of(rest.allowedIps()),
                Set.copyOf(rest.sessionCookies()));
    }

    /** The targets, with the webhook secrets an earlier version stored in plain encrypted now. */
    private static NotificationTargets notificationTargets(
            Database database, AuditLog audit, TokenDigester digester, SecureRandom random) {
        NotificationTargets targets =
                new NotificationTargets(database, audit, WebhookSecrets.derivedFrom(digester, random));
        targets.encryptPlainSecrets();
        return targets;
    }

    /**
     * On PostgreSQL (where nodes may share the database), rate limits are shared with the other nodes
     * every second; on H2 there is one node and nothing to share.
     */
    private static SharedLimits sharedLimits(
            Database database, RateLimiter limiter, Clock clock, SecureRandom random, ClusterJobs jobs) {
        if (database.kind() != Database.Kind.POSTGRESQL) {
            return null;
        }
        // This process's run of this node: a restarted node counts anew, under a name of its own.
        String host = Heartbeat.hostName();
        String node = (host.isEmpty() ? "node" : host) + "-"
                + java.util.HexFormat.of().toHexDigits(random.nextInt());
        SharedLimits shared = new SharedLimits(limiter, database.rateLimitTakes(), node, clock, jobs);
        shared.start(Duration.ofSeconds(1));
        return shared;
    }

    @Override
    public void close() {
        if (sharedLimits != null) {
            sharedLimits.close();
        }
        notifications.close();
        activity.close();
        settings.close();
        directory.close();
    }
}
