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
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
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
import org.patgate.server.settings.SettingsService;
import org.patgate.server.store.Database;
import org.patgate.server.store.StoreException;
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
    private final TokenIssuer tokenIssuer;
    private final TokenVerifier tokenVerifier;
    private final UserAccounts userAccounts;
    private final ActivityRecorder activity;
    private final SettingsService settings;
    private final Directories directories;
    private final NodeMetrics metrics;
    private final ChangePropagation changes;
    private final Heartbeat heartbeat;
    private final DatabaseWatch databaseWatch;
    private final Services services;

    private PatgateServer(
            PatgateConfig config,
            Database database,
            Server jetty,
            ServerConnector connector,
            NettyFront netty,
            TokenIssuer tokenIssuer,
            TokenVerifier tokenVerifier,
            UserAccounts userAccounts,
            ActivityRecorder activity,
            SettingsService settings,
            Directories directories,
            NodeMetrics metrics,
            ChangePropagation changes,
            Heartbeat heartbeat,
            DatabaseWatch databaseWatch,
            Services services) {
        this.services = services;
        this.changes = changes;
        this.heartbeat = heartbeat;
        this.databaseWatch = databaseWatch;
        this.metrics = metrics;
        this.settings = settings;
        this.activity = activity;
        this.directories = directories;
        this.config = config;
        this.database = database;
        this.jetty = jetty;
        this.connector = connector;
        this.netty = netty;
        this.tokenIssuer = tokenIssuer;
        this.tokenVerifier = tokenVerifier;
        this.userAccounts = userAccounts;
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
        Server jetty = newJetty(config, managementSocket);
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
                config.database().maxPoolSize());
        Services services = null;
        ChangePropagation changes = null;
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
            // Cluster: what this node knows about reaching the database (told by the heartbeat and by failed
            // token loads); known tokens outlive a database outage by cluster.databaseGrace.
            DatabaseWatch watch = new DatabaseWatch(clock, config.cluster().databaseGrace());
            s.verifier().keepThroughOutages(config.cluster().databaseGrace(), watch::unreachable, failure -> {
                if (failure instanceof StoreException store && store.databaseUnreachable()) {
                    watch.failed(failure);
                }
            });
            NodeRegistry nodes = new NodeRegistry(database.dataSource(), clock);
            metrics.gauge(
                    "patgate.activity.held",
                    "Activity events held because the database could not be reached, written when it answers",
                    () -> s.activity().held());
            metrics.gauge(
                    "patgate.database.unreachable.seconds",
                    "Seconds since the node last reached its database while it cannot; 0 while it can",
                    () -> watch.unreachable()
                            ? Duration.between(watch.lastReached(), clock.instant())
                                            .toMillis()
                                    / 1000.0
                            : 0);
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
            // Other nodes' changes reach this node's caches as they commit (PostgreSQL; nothing on H2).
            changes = ChangePropagation.start(
                    database,
                    config.database().url(),
                    config.database().username(),
                    config.database().password(),
                    s.localCaches(),
                    clock,
                    s.clusterJobs());

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
            String nodeId = config.cluster().nodeId().isEmpty()
                    ? Heartbeat.defaultNodeId(port)
                    : config.cluster().nodeId();
            Heartbeat heartbeat = Heartbeat.start(
                    nodes.joinAs(nodeId),
                    watch,
                    clock,
                    config.cluster().heartbeatInterval(),
                    baseUri(config, port).toString(),
                    Version.get(),
                    () -> new Heartbeat.Stats(
                            s.verifier().cachedTokens(),
                            s.activity().queued() + s.activity().held(),
                            s.activity().dropped()));
            PatgateServer server = new PatgateServer(
                    config,
                    database,
                    jetty,
                    connector,
                    front.get(),
                    s.issuer(),
                    s.verifier(),
                    s.users(),
                    s.activity(),
                    s.settings(),
                    s.directory(),
                    metrics,
                    changes,
                    heartbeat,
                    watch,
                    s);
            s.notifications().start();
            LOG.info("PATgate {} listening on {}", Version.get(), server.baseUri());
            return server;
        } catch (Exception e) {
            if (changes != null) {
                changes.close();
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

    /** The HTTP server: one connector for HTTP/1.1 and h2c, problem+json errors, bounded stop. */
    private static Server newJetty(PatgateConfig config, Path managementSocket) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("patgate");
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        if (managementSocket != null) {
            jetty.addConnector(ManagementSocket.connector(jetty, http, managementSocket));
            jetty.setErrorHandler(new ProblemErrorHandler());
            jetty.setStopTimeout(5_000);
            return jetty;
        }
        // HTTP/1.1 and cleartext HTTP/2 (h2c, by upgrade or prior knowledge) on the same port.
        ServerConnector connector =
                new ServerConnector(jetty, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
        connector.setHost(config.listen().host());
        connector.setPort(config.listen().port());
        // Java's default backlog is 50: a flood of new connections would make every other client's
        // connect wait for SYN retransmits (1 s, 3 s, 7 s). The kernel caps this at somaxconn.
        connector.setAcceptQueueSize(4096);
        jetty.addConnector(connector);
        jetty.setErrorHandler(new ProblemErrorHandler());
        jetty.setStopTimeout(5_000);
        return jetty;
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
        return heartbeat;
    }

    /** What this node knows about reaching its database. */
    public DatabaseWatch databaseWatch() {
        return databaseWatch;
    }

    public int port() {
        return netty != null ? netty.port() : connector.getLocalPort();
    }

    public Database database() {
        return database;
    }

    public TokenIssuer tokenIssuer() {
        return tokenIssuer;
    }

    public TokenVerifier verifier() {
        return tokenVerifier;
    }

    public UserAccounts userAccounts() {
        return userAccounts;
    }

    public Directories directories() {
        return directories;
    }

    public ActivityRecorder activity() {
        return activity;
    }

    /** Expiry reminders and notices: {@code runOnce()} and {@code deliverDue()} for tests and operators. */
    public Notifications notifications() {
        return services.notifications();
    }

    /** How other nodes' changes reach this node (listening state, last change applied). */
    public ChangePropagation changePropagation() {
        return changes;
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
            heartbeat.close(); // removes this node from the cluster view while the database is open
            changes.close();
            services.close(); // what runs in the background: shared limits, notices, activity, settings, directories
            database.close();
            metrics.close();
        }
    }
}
