package org.patgate.server.app;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.patgate.core.PatgateException;
import org.patgate.core.net.IpRangeSet;
import org.patgate.core.token.TokenDigester;
import org.patgate.core.token.TokenFormat;
import org.patgate.server.activity.ActivityRecorder;
import org.patgate.server.api.ApiHandler;
import org.patgate.server.api.DatabaseAwayGuard;
import org.patgate.server.api.HealthHandler;
import org.patgate.server.auth.ApiAuthenticator;
import org.patgate.server.auth.LoginThrottle;
import org.patgate.server.auth.UiSessions;
import org.patgate.server.cluster.ChangePropagation;
import org.patgate.server.cluster.DatabaseWatch;
import org.patgate.server.cluster.Heartbeat;
import org.patgate.server.cluster.NodeRegistry;
import org.patgate.server.config.CredentialKeySource;
import org.patgate.server.config.IdentityConfig;
import org.patgate.server.config.ListenConfig;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.config.PepperSource;
import org.patgate.server.directory.AdminBootstrap;
import org.patgate.server.directory.Directories;
import org.patgate.server.directory.UserAccounts;
import org.patgate.server.gateway.ExchangeBudget;
import org.patgate.server.gateway.ExternalCheck;
import org.patgate.server.gateway.ExternalCheckHandler;
import org.patgate.server.gateway.PasswordsOutsideRestPaths;
import org.patgate.server.gateway.RequestBodyRate;
import org.patgate.server.http.ClientAddressResolver;
import org.patgate.server.identity.JwksHandler;
import org.patgate.server.identity.JwtIssuer;
import org.patgate.server.identity.SigningKeys;
import org.patgate.server.metrics.MetricsHandler;
import org.patgate.server.metrics.NodeMetrics;
import org.patgate.server.notify.Notifications;
import org.patgate.server.store.Database;
import org.patgate.server.token.TokenIssuer;
import org.patgate.server.token.TokenVerifier;
import org.patgate.server.ui.UiHandler;
import org.patgate.server.upstream.CredentialCipher;
import org.patgate.server.upstream.UpstreamLinks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running PATgate node: the listening socket (bound first, so a node that cannot serve writes
 * nothing), then pepper, database, directory, token services, the bootstrap admin (last, so its
 * one-time password is announced only by a start that got that far) and the HTTP server, started in
 * that order and stopped in reverse. {@link #start} returns once the node serves.
 */
public final class PatgateServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PatgateServer.class);

    private final PatgateConfig config;
    private final Database database;
    private final Server jetty;
    private final ServerConnector connector;
    private final NettyFront netty;
    private final NodeMetrics metrics;
    private final ClusterMembership cluster;
    private final Services services;

    private PatgateServer(
            PatgateConfig config,
            Database database,
            Server jetty,
            ServerConnector connector,
            NettyFront netty,
            NodeMetrics metrics,
            ClusterMembership cluster,
            Services services) {
        this.config = config;
        this.database = database;
        this.jetty = jetty;
        this.connector = connector;
        this.netty = netty;
        this.metrics = metrics;
        this.cluster = cluster;
        this.services = services;
    }

    /**
     * Opens the database (running migrations), ensures the bootstrap admin, and starts serving.
     * {@code announce} receives the one-time messages an operator must see (generated pepper,
     * generated admin password).
     */
    public static PatgateServer start(PatgateConfig config, Consumer<String> announce) {
        return start(config, announce, Clock.systemUTC());
    }

    /** As {@link #start(PatgateConfig, Consumer)} with the given clock (tests move time by hand). */
    public static PatgateServer start(PatgateConfig config, Consumer<String> announce, Clock clock) {
        // Bind first: a busy port or a foreign address fails here, before the pepper file, the data
        // directory, the database or a one-time admin password exist.
        // With Netty as the data plane, Netty binds the port once everything behind it is ready; Jetty
        // serves PATgate's own pages behind it on a private Unix domain socket.
        boolean netty = config.listen().dataPlane() == ListenConfig.DataPlane.NETTY;
        Path managementSocket = null;
        if (netty) {
            ListenSocket.probe(config.listen().host(), config.listen().port());
            managementSocket = ManagementSocket.create();
        }
        Server jetty = JettyServer.create(config, managementSocket);
        ServerConnector connector = netty ? null : (ServerConnector) jetty.getConnectors()[0];
        if (connector != null) {
            ListenSocket.bind(connector);
        }
        try {
            return start(config, announce, clock, jetty, connector, managementSocket);
        } catch (RuntimeException e) {
            try {
                jetty.stop();
            } catch (Exception stopFailure) {
                e.addSuppressed(stopFailure);
            }
            if (connector != null) {
                connector.close();
            }
            if (managementSocket != null) {
                ManagementSocket.delete(managementSocket);
            }
            throw e;
        }
    }

    private static PatgateServer start(
            PatgateConfig config,
            Consumer<String> announce,
            Clock clock,
            Server jetty,
            ServerConnector connector,
            Path managementSocket) {
        SecureRandom random = new SecureRandom();
        byte[] pepper = PepperSource.resolve(config.tokens(), true, announce);
        TokenFormat format = new TokenFormat(config.tokens().prefix());
        TokenDigester digester = new TokenDigester(pepper);
        Arrays.fill(pepper, (byte) 0);

        Database database = Database.open(
                config.database().url(),
                config.database().username(),
                config.database().password(),
                config.database().maxPoolSize(),
                config.database().connectionTimeout());
        Services services = null;
        ClusterMembership cluster = null;
        NodeMetrics metrics = NodeMetrics.create();
        try {
            metrics.watchPool(database.dataSource());
            // Identity mode upstream-token keeps the users' native tokens, encrypted under keys outside the database.
            CredentialCipher credentials = config.identity().mode() == IdentityConfig.Mode.UPSTREAM_TOKEN
                    ? new CredentialCipher(
                            CredentialKeySource.resolve(config.upstream(), true, announce),
                            config.upstream().credentialKeyFile())
                    : null;
            services = Services.wire(config, database, clock, format, digester, random, credentials);
            Services s = services;
            metrics.watchTokenCache(s.verifier());
            metrics.watchActivity(s.activity());
            metrics.watchClusterJobs(s.clusterJobs());
            SigningKeys signingKeys = new SigningKeys(
                    new DatabaseKeyStore(database),
                    digester.digest("patgate identity JWT key encryption v1").bytes(),
                    clock,
                    config.identity().jwt().keyRotation());
            JwtIssuer jwtIssuer = new JwtIssuer(
                    signingKeys,
                    s.directory()::groupsOf,
                    clock,
                    config.identity().jwt().issuer(),
                    config.identity().jwt().audience(),
                    config.identity().jwt().lifetime(),
                    config.tokens().cacheTtl());
            s.onOwnerChange(jwtIssuer::invalidateOwner);
            cluster = ClusterMembership.open(config, database, s, metrics, clock);
            DatabaseWatch watch = cluster.watch();
            NodeRegistry nodes = cluster.nodes();

            // Parsed once: the UI sessions, the API and the gateway believe the same proxies.
            IpRangeSet trustedProxies = IpRangeSet.of(config.trustedProxies());
            ClientAddressResolver addresses = new ClientAddressResolver(trustedProxies);
            // The web UI's sessions are also accepted by the API (with their CSRF header); one throttle for both.
            UiSessions uiSessions = new UiSessions(
                    s.directory(), clock, random, trustedProxies, Duration.ofMinutes(30), Duration.ofHours(12), 10_000);
            ApiAuthenticator authenticator = new ApiAuthenticator(
                    s.directory(),
                    new LoginThrottle(10, Duration.ofMinutes(5)),
                    new LoginThrottle(20, Duration.ofMinutes(5)),
                    s.audit(),
                    uiSessions);
            if (s.upstreamLinks() != null) {
                // A link PATgate minted with the user's password is renewed at their next password sign-in.
                UpstreamLinks links = s.upstreamLinks();
                Duration lifetime = config.identity().nativeTokenLifetime();
                authenticator.onPasswordSignIn((user, password) -> links.renewOnSignIn(user, password, lifetime));
            }
            ApiHandler api = EdgeHandlers.api(config, s, authenticator, addresses, clock, nodes);
            UiHandler ui = EdgeHandlers.ui(
                    config, s, uiSessions, authenticator, trustedProxies, clock, nodes, watch::unreachable);
            PasswordsOutsideRestPaths passwordsOutside = new PasswordsOutsideRestPaths();
            ExchangeBudget exchanges = new ExchangeBudget(config.limits());
            // Netty's event loops never wait on the store: decisions that need it run on these threads.
            ExecutorService blocking = managementSocket != null ? NettyFront.newBlockingExecutor() : null;
            AtomicReference<NettyFront> front = new AtomicReference<>();
            RequestBodyRate bodyRate = new RequestBodyRate(
                    config.limits().minRequestBodyRate(), config.limits().requestBodyGrace(), null);
            EdgeHandlers.Gateway gateway = EdgeHandlers.gate(
                    config,
                    s.verifier(),
                    s.settings(),
                    format,
                    s.activity(),
                    clock,
                    jwtIssuer,
                    passwordsOutside,
                    addresses,
                    s.upstreamLinks(),
                    blocking != null ? blocking : Runnable::run,
                    metrics.gateway(),
                    s.rateLimiter());
            Handler.Sequence root = new Handler.Sequence(
                    new HealthHandler(
                            database,
                            s.activity(),
                            Version.get(),
                            passwordsOutside::count,
                            () -> limitCounts(
                                    exchanges,
                                    bodyRate,
                                    front.get() == null ? 0 : front.get().slowRequestBodiesCut()),
                            () -> front.get() == null
                                    ? Map.of("engine", "jetty")
                                    : front.get().health(),
                            watch),
                    new MetricsHandler(metrics, config.metrics(), addresses),
                    new DatabaseAwayGuard(watch::unreachable),
                    api,
                    ui);
            if (config.identity().mode() == IdentityConfig.Mode.JWT) {
                // The JWK Set is published only when the upstream is told who calls by JWT.
                root.addHandler(new JwksHandler(signingKeys));
            }
            // External auth: proxies in trustedProxies ask the gateway's own decisions about their requests.
            ExternalCheck check = new ExternalCheck(
                    gateway.gate(), trustedProxies, config.identity().header());
            root.addHandler(new ExternalCheckHandler(check));
            root.addHandler(new NotFoundHandler(true));
            if (managementSocket == null) {
                root.addHandler(EdgeHandlers.jettyGateway(config, gateway, exchanges));
            }
            root.addHandler(new NotFoundHandler(false));
            // Every request body, whoever reads it, must keep up limits.minRequestBodyRate.
            bodyRate.setHandler(root);

            jetty.setHandler(bodyRate);
            // Last before serving: a generated one-time admin password is shown only by a start that got this far.
            new AdminBootstrap(
                            database,
                            s.passwords(),
                            s.permissions(),
                            s.audit(),
                            config.admin().group())
                    .bootstrapAdmin(
                            config.bootstrap().adminUsername(),
                            config.bootstrap().adminPassword(),
                            announce);
            jetty.start();
            if (managementSocket != null) {
                front.set(NettyFront.start(
                        config, gateway.gate(), check, exchanges, managementSocket, blocking, s.verifier()));
                front.get().watch(metrics);
            }
            // Registered once it serves, under its real port (0 in the configuration picks one).
            int port = front.get() != null ? front.get().port() : connector.getLocalPort();
            cluster.join(port, baseUri(config, port).toString());
            PatgateServer server =
                    new PatgateServer(config, database, jetty, connector, front.get(), metrics, cluster, s);
            s.notifications().start();
            LOG.info("PATgate {} listening on {}", Version.get(), server.baseUri());
            return server;
        } catch (Exception e) {
            if (cluster != null) {
                cluster.close();
            }
            if (services != null) {
                services.close();
            }
            database.close();
            metrics.close();
            if (e instanceof PatgateException p) {
                throw p;
            }
            throw new PatgateException(
                    "cannot start on " + config.listen().host() + ":"
                            + config.listen().port() + ": " + e.getMessage(),
                    e);
        }
    }

    /** @param slowBodiesCutInFront request bodies the Netty data plane cut (Jetty's are counted by {@code bodyRate}) */
    private static Map<String, Object> limitCounts(
            ExchangeBudget exchanges, RequestBodyRate bodyRate, long slowBodiesCutInFront) {
        Map<String, Object> counts = exchanges.snapshot();
        @SuppressWarnings("unchecked")
        Map<String, Object> refused = (Map<String, Object>) counts.get("refused");
        refused.put("slowRequestBodies", bodyRate.slowRequestBodiesCut() + slowBodiesCutInFront);
        return counts;
    }

    /** Where this node answers, e.g. {@code http://127.0.0.1:8080} ({@code https} with {@code listen.tls}). */
    public URI baseUri() {
        return baseUri(config, port());
    }

    private static URI baseUri(PatgateConfig config, int port) {
        String host = config.listen().host();
        String literal = host.contains(":") ? "[" + host + "]" : host;
        String scheme = config.listen().tls().enabled() ? "https" : "http";
        return URI.create(scheme + "://" + literal + ":" + port);
    }

    /** This node's heartbeat: {@code beat()} records one now (tests and operators). */
    public Heartbeat heartbeat() {
        return cluster.heartbeat();
    }

    /** What this node knows about reaching its database. */
    public DatabaseWatch databaseWatch() {
        return cluster.watch();
    }

    public int port() {
        return netty != null ? netty.port() : connector.getLocalPort();
    }

    public Database database() {
        return database;
    }

    public TokenIssuer tokenIssuer() {
        return services.issuer();
    }

    public TokenVerifier verifier() {
        return services.verifier();
    }

    public UserAccounts userAccounts() {
        return services.users();
    }

    public Directories directories() {
        return services.directory();
    }

    public ActivityRecorder activity() {
        return services.activity();
    }

    /** Expiry reminders and notices: {@code runOnce()} and {@code deliverDue()} for tests and operators. */
    public Notifications notifications() {
        return services.notifications();
    }

    /** How other nodes' changes reach this node (listening state, last change applied). */
    public ChangePropagation changePropagation() {
        return cluster.changes();
    }

    public void join() throws InterruptedException {
        jetty.join();
    }

    /** Stops serving (finishing requests in flight, bounded), then closes the database. */
    @Override
    public void close() {
        try {
            if (netty != null) {
                netty.close();
            }
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("HTTP server did not stop cleanly: {}", e.toString());
        } finally {
            cluster.close(); // leaves the cluster view while the database is open
            services.close(); // what runs in the background: shared limits, notices, activity, settings, directories
            database.close();
            metrics.close();
        }
    }
}
