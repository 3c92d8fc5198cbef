package org.patgate.server.app;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.patgate.core.net.IpRangeSet;
import org.patgate.core.token.Scope;
import org.patgate.core.token.TokenDigester;
import org.patgate.core.token.TokenFormat;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.config.PepperSource;
import org.patgate.server.directory.AdminBootstrap;
import org.patgate.server.gateway.ExchangeBudget;
import org.patgate.server.gateway.GatewayGate;
import org.patgate.server.gateway.PasswordsOutsideRestPaths;
import org.patgate.server.http.ClientAddressResolver;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Database;
import org.patgate.server.token.TokenRequest;
import org.patgate.server.token.TokenVerifier;

/**
 * The gateway's decision ({@link GatewayGate}) and exchange budget wired as the node wires them, on
 * an in-memory H2 database, without any HTTP engine: for tests of a data plane on its own. Identity
 * mode {@code header}; {@code rest.anonymous} as {@code env} says. Close it after use.
 */
public final class GateForTests implements AutoCloseable {

    private final Database database;
    private final Services services;
    private final GatewayGate gate;
    private final ExchangeBudget budget;
    private final PatgateConfig config;
    /** The id of each token issued here, by its secret. */
    private final Map<String, String> ids = new ConcurrentHashMap<>();

    private GateForTests(
            Database database, Services services, GatewayGate gate, ExchangeBudget budget, PatgateConfig config) {
        this.database = database;
        this.services = services;
        this.gate = gate;
        this.budget = budget;
        this.config = config;
    }

    /** A gate for the upstream at {@code upstreamUrl}; {@code dir} holds the pepper file. */
    public static GateForTests start(Path dir, String upstreamUrl, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("PATGATE_UPSTREAM_URL", upstreamUrl);
        env.put("PATGATE_DATABASE_URL", "jdbc:h2:mem:gate-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        env.put(
                "PATGATE_TOKENS_PEPPERFILE",
                dir.resolve("pepper").toAbsolutePath().toString());
        env.put("PATGATE_BOOTSTRAP_ADMINPASSWORD", "admin-password-for-tests");
        env.putAll(extra);
        PatgateConfig config = PatgateConfig.load(null, env);
        byte[] pepper = PepperSource.resolve(config.tokens(), true, line -> {});
        TokenFormat format = new TokenFormat(config.tokens().prefix());
        TokenDigester digester = new TokenDigester(pepper);
        Database database = Database.open(
                config.database().url(),
                config.database().username(),
                config.database().password(),
                config.database().maxPoolSize(),
                config.database().connectionTimeout());
        Clock clock = Clock.systemUTC();
        Services services = Services.wire(config, database, clock, format, digester, new SecureRandom(), null);
        EdgeHandlers.Gateway gateway = EdgeHandlers.gate(
                config,
                services.verifier(),
                services.settings(),
                format,
                services.activity(),
                clock,
                null,
                new PasswordsOutsideRestPaths(),
                new ClientAddressResolver(IpRangeSet.of(config.trustedProxies())),
                null,
                Runnable::run,
                null,
                services.rateLimiter());
        new AdminBootstrap(
                        database,
                        services.passwords(),
                        services.permissions(),
                        services.audit(),
                        config.admin().group())
                .bootstrapAdmin(
                        config.bootstrap().adminUsername(), config.bootstrap().adminPassword(), line -> {});
        return new GateForTests(database, services, gateway.gate(), new ExchangeBudget(config.limits()), config);
    }

    /** A new token of the bootstrap admin with {@code scope}: its secret. */
    public String issueToken(Scope scope) {
        Principal admin =
                services.directory().lookup(config.bootstrap().adminUsername()).orElseThrow();
        var issued = services.issuer()
                .create(admin, "127.0.0.1", new TokenRequest("data plane test", null, null, scope, List.of()));
        ids.put(issued.secret(), issued.token().id());
        return issued.secret();
    }

    /** Revokes a token {@link #issueToken} made, as the management API does. */
    public void revokeToken(String secret) {
        Principal admin =
                services.directory().lookup(config.bootstrap().adminUsername()).orElseThrow();
        services.revocation().revoke(admin, "127.0.0.1", ids.get(secret));
    }

    /** The verifier the gate decides with (to be told of invalidations, as the node's data plane is). */
    public TokenVerifier verifier() {
        return services.verifier();
    }

    public GatewayGate gate() {
        return gate;
    }

    public ExchangeBudget budget() {
        return budget;
    }

    public PatgateConfig config() {
        return config;
    }

    @Override
    public void close() {
        services.close();
        database.close();
    }
}
