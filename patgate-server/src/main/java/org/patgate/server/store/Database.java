package org.patgate.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.patgate.server.store.internal.Jdbc;
import org.patgate.server.store.internal.JdbcUrls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PATgate database: a HikariCP connection pool on an H2 or PostgreSQL URL, migrated by
 * Flyway on {@link #open}, and the repositories working on it: the only place repositories come
 * from. {@link #inTransaction} runs several repository calls as one transaction. Thread-safe;
 * repositories are shared and stateless. {@link #close()} closes the pool (and thereby an embedded
 * H2 database).
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /** How long a request waits for a pooled connection unless the caller says otherwise. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);

    /** The database products PATgate supports; the same migrations run on both. */
    public enum Kind {
        H2,
        POSTGRESQL
    }

    private final HikariDataSource dataSource;
    private final Kind kind;
    private final UserRepository users;
    private final GroupRepository groups;
    private final TokenRepository tokens;
    private final AuditRepository audit;
    private final GrantRepository grants;
    private final PolicyRepository policies;
    private final TokenDecisionRepository tokenDecisions;
    private final ActivityRepository activity;
    private final UsageRepository usage;
    private final UsageCounterRepository usageCounters;
    private final TokenAddressRepository tokenAddresses;
    private final SettingsRepository settings;
    private final JwtKeyRepository jwtKeys;
    private final UpstreamLinkRepository upstreamLinks;
    private final RateLimitRepository rateLimits;
    private final RateLimitTakeRepository rateLimitTakes;
    private final NotificationRepository notifications;
    private final ChangeRepository changes;
    private final Jdbc jdbc;

    private Database(HikariDataSource dataSource, Kind kind, Clock clock) {
        this.dataSource = dataSource;
        this.kind = kind;
        this.jdbc = new Jdbc(dataSource);
        this.users = new UserRepository(jdbc, clock);
        this.groups = new GroupRepository(jdbc, clock);
        this.tokens = new TokenRepository(jdbc, clock);
        this.audit = new AuditRepository(jdbc);
        this.grants = new GrantRepository(jdbc);
        this.policies = new PolicyRepository(jdbc);
        this.tokenDecisions = new TokenDecisionRepository(jdbc);
        this.activity = new ActivityRepository(jdbc);
        this.usage = new UsageRepository(jdbc, kind);
        this.usageCounters = new UsageCounterRepository(jdbc, kind);
        this.tokenAddresses = new TokenAddressRepository(jdbc, kind);
        this.settings = new SettingsRepository(jdbc);
        this.jwtKeys = new JwtKeyRepository(jdbc);
        this.upstreamLinks = new UpstreamLinkRepository(jdbc);
        this.rateLimits = new RateLimitRepository(jdbc);
        this.rateLimitTakes = new RateLimitTakeRepository(jdbc, kind);
        this.notifications = new NotificationRepository(jdbc);
        this.changes = new ChangeRepository(jdbc, kind, clock);
    }

    /**
     * Opens a pool of at most {@code maxPoolSize} connections and applies pending migrations.
     * Fails with a {@link StoreException} naming the (redacted) URL when the URL is not an H2 or
     * PostgreSQL URL, the database cannot be reached, or migration fails. The password never
     * appears in a message.
     */
    public static Database open(String jdbcUrl, String username, String password, int maxPoolSize) {
        return open(jdbcUrl, username, password, maxPoolSize, DEFAULT_CONNECTION_TIMEOUT);
    }

    /**
     * As {@link #open(String, String, String, int)}, and a request that finds every pooled
     * connection busy (or the database unreachable) fails after {@code connectionTimeout}.
     */
    public static Database open(
            String jdbcUrl, String username, String password, int maxPoolSize, Duration connectionTimeout) {
        return open(jdbcUrl, username, password, maxPoolSize, connectionTimeout, Clock.systemUTC());
    }

    static Database open(String jdbcUrl, String username, String password, int maxPoolSize, Clock clock) {
        return open(jdbcUrl, username, password, maxPoolSize, DEFAULT_CONNECTION_TIMEOUT, clock);
    }

    static Database open(
            String jdbcUrl,
            String username,
            String password,
            int maxPoolSize,
            Duration connectionTimeout,
            Clock clock) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(connectionTimeout, "connectionTimeout");
        Objects.requireNonNull(clock, "clock");
        String shownUrl = JdbcUrls.redact(jdbcUrl);
        if (maxPoolSize < 1 || maxPoolSize > 1000) {
            throw new StoreException("database pool size must be between 1 and 1000 but was " + maxPoolSize);
        }
        Kind kind;
        String url;
        if (JdbcUrls.isH2(jdbcUrl)) {
            kind = Kind.H2;
            url = JdbcUrls.withH2Defaults(jdbcUrl);
        } else if (JdbcUrls.isPostgresql(jdbcUrl)) {
            kind = Kind.POSTGRESQL;
            url = jdbcUrl;
        } else {
            throw new StoreException(
                    "unsupported database URL " + shownUrl + ": expected jdbc:h2:... or jdbc:postgresql://...");
        }

        HikariDataSource pool;
        try {
            pool = new HikariDataSource(poolConfig(kind, url, username, password, maxPoolSize, connectionTimeout));
        } catch (RuntimeException e) {
            throw new StoreException(
                    "cannot connect to database " + shownUrl + " as user '" + (username == null ? "" : username) + "': "
                            + rootCauseSummary(e),
                    e);
        }
        try {
            migrate(url, username, password);
        } catch (RuntimeException e) {
            pool.close();
            throw new StoreException("cannot migrate database " + shownUrl + ": " + rootCauseSummary(e), e);
        }
        LOG.info("Opened {} database {} (pool size {})", kind, shownUrl, maxPoolSize);
        return new Database(pool, kind, clock);
    }

    private static HikariConfig poolConfig(
            Kind kind, String url, String username, String password, int maxPoolSize, Duration connectionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("patgate-store");
        config.setJdbcUrl(url);
        config.setUsername(username == null ? "" : username);
        config.setPassword(password == null ? "" : password);
        config.setMaximumPoolSize(maxPoolSize);
        config.setMinimumIdle(Math.min(2, maxPoolSize));
        config.setConnectionTimeout(connectionTimeout.toMillis());
        if (kind == Kind.H2) {
            // Row locks (per-owner token limits) are waited for like on PostgreSQL, not failed after H2's 1 s default.
            config.setConnectionInitSql("SET LOCK_TIMEOUT 10000");
        }
        if (kind == Kind.POSTGRESQL) {
            config.addDataSourceProperty("ApplicationName", "patgate");
            // Error details quote row values (hashes, digests); keep them out of exception messages.
            config.addDataSourceProperty("logServerErrorDetail", "false");
        }
        return config;
    }

    /**
     * Flyway holds one connection for its lock and another for the migration, so it gets its own
     * unpooled connections: a pool of size 1 would deadlock it. The pool opened first keeps an
     * in-memory H2 database alive across Flyway closing its connections.
     */
    private static void migrate(String url, String username, String password) {
        Flyway.configure()
                .dataSource(url, username == null ? "" : username, password == null ? "" : password)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }

    /**
     * The deepest cause's type and message, URL secrets redacted. At open time these are
     * connection errors ("connection refused", "password authentication failed for user x"):
     * what an operator needs, and drivers never put the password in them.
     */
    private static String rootCauseSummary(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + JdbcUrls.redact(message));
    }

    /** Whether {@link #close} was called (the pool gives no more connections). */
    public boolean isClosed() {
        return dataSource.isClosed();
    }

    /** The pooled data source, for components that need raw JDBC (e.g. cluster notifications). */
    public DataSource dataSource() {
        return dataSource;
    }

    public Kind kind() {
        return kind;
    }

    public UserRepository users() {
        return users;
    }

    public GroupRepository groups() {
        return groups;
    }

    public TokenRepository tokens() {
        return tokens;
    }

    public AuditRepository audit() {
        return audit;
    }

    public GrantRepository grants() {
        return grants;
    }

    public PolicyRepository policies() {
        return policies;
    }

    public TokenDecisionRepository tokenDecisions() {
        return tokenDecisions;
    }

    public ActivityRepository activity() {
        return activity;
    }

    public UsageRepository usage() {
        return usage;
    }

    public UsageCounterRepository usageCounters() {
        return usageCounters;
    }

    public TokenAddressRepository tokenAddresses() {
        return tokenAddresses;
    }

    public SettingsRepository settings() {
        return settings;
    }

    public JwtKeyRepository jwtKeys() {
        return jwtKeys;
    }

    public UpstreamLinkRepository upstreamLinks() {
        return upstreamLinks;
    }

    public RateLimitRepository rateLimits() {
        return rateLimits;
    }

    public RateLimitTakeRepository rateLimitTakes() {
        return rateLimitTakes;
    }

    public NotificationRepository notifications() {
        return notifications;
    }

    /** The cluster's change log: written with each change other nodes must apply to their caches. */
    public ChangeRepository changes() {
        return changes;
    }

    /**
     * Tries to take the PostgreSQL advisory lock ({@code namespace}, {@code key}) without waiting, on a
     * new connection outside the pool (so a pool of one connection still serves the lock holder's work):
     * the held lock, or empty when another session holds it. Closing the lock, or the holder's process
     * dying, releases it. Only on PostgreSQL: H2 serves a single node and has no such locks.
     */
    public Optional<AdvisoryLock> tryAdvisoryLock(int namespace, int key) {
        if (kind != Kind.POSTGRESQL) {
            throw new IllegalStateException("advisory locks are a PostgreSQL feature; this database is " + kind);
        }
        Properties properties = new Properties();
        properties.setProperty("user", dataSource.getUsername());
        properties.setProperty("password", dataSource.getPassword());
        properties.setProperty("ApplicationName", "patgate");
        properties.setProperty("logServerErrorDetail", "false");
        properties.setProperty("connectTimeout", "10");
        Connection connection;
        try {
            connection = DriverManager.getConnection(dataSource.getJdbcUrl(), properties);
        } catch (SQLException e) {
            throw new StoreException(
                    "cannot connect to database " + JdbcUrls.redact(dataSource.getJdbcUrl()) + " for a lock: "
                            + rootCauseSummary(e),
                    e);
        }
        return AdvisoryLock.tryTake(connection, namespace, key);
    }

    /**
     * Runs {@code work} as one transaction: every repository call it makes on this thread uses the
     * same connection, and all of it commits when {@code work} returns or rolls back when it
     * throws (the exception is rethrown). Nested calls join the outer transaction. Keep side effects
     * outside the store (cache invalidation, messages) after this returns, and record failures
     * that must stay in the audit trail outside it: a rollback takes them along.
     */
    public <T> T inTransaction(String operation, Supplier<T> work) {
        return jdbc.inTransaction(operation, connection -> work.get());
    }

    /** As {@link #inTransaction(String, Supplier)} for work without a result. */
    public void inTransaction(String operation, Runnable work) {
        inTransaction(operation, () -> {
            work.run();
            return null;
        });
    }

    /** Closes the pool; idempotent. Calls in flight may fail with a {@link StoreException}. */
    @Override
    public void close() {
        dataSource.close();
    }
}
