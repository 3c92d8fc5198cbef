package org.patgate.server.directory.ldap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResultEntry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.patgate.server.config.LdapSettings;
import org.patgate.server.directory.ldap.internal.DirectoryReader;
import org.patgate.server.directory.ldap.internal.LdapConnector;
import org.patgate.server.directory.ldap.internal.LdapConnector.Served;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users and groups read from an LDAP server or Active Directory.
 *
 * <p>{@link #authenticate} finds the user's DN with the service account and binds as that DN with
 * the given password on a separate, short-lived connection; it always asks the directory.
 * {@link #lookup} (used for already-issued tokens) goes through a membership cache: an entry is
 * reused for {@link LdapSettings#membershipCacheTtl()} after it was read, so directory changes take
 * up to that long to apply.
 *
 * <p>Outage: when no server answers, {@link #authenticate} throws {@link DirectoryUnavailableException}
 * (logins fail with a clear message) and {@link #lookup} keeps answering from the cache until the
 * entry is older than the TTL, then throws too: PATgate fails closed rather than trusting stale
 * memberships. The pool reconnects by itself once a server is back.
 *
 * <p>Nothing contacts the server before the first call; {@link #status()} reports what was last
 * seen and {@link #testConnection()} checks now. Thread-safe.
 */
public final class LdapDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LdapDirectory.class);
    private static final int CACHE_MAX_USERS = 10_000;

    private final LdapConnector connector;
    private final DirectoryReader reader;
    private final Clock clock;
    private final Cache<String, DirectoryUser> memberships;
    private final AtomicReference<DirectoryStatus> status;
    private final List<String> urls;

    private LdapDirectory(LdapSettings settings, Clock clock) {
        this.urls = settings.urls().stream().map(URI::toString).toList();
        this.connector = new LdapConnector(settings);
        this.reader = new DirectoryReader(settings);
        this.clock = clock;
        this.memberships = Caffeine.newBuilder()
                .expireAfterWrite(settings.membershipCacheTtl())
                .maximumSize(CACHE_MAX_USERS)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                .build();
        this.status = new AtomicReference<>(DirectoryStatus.notYetChecked(connector.configuredUrls()));
    }

    /**
     * A directory for these settings. Reads the trust store now (a bad one is a
     * {@link org.patgate.server.config.ConfigException}) but does not contact the server, so
     * PATgate starts while the directory is down.
     */
    public static LdapDirectory connect(LdapSettings settings) {
        return connect(settings, Clock.systemUTC());
    }

    /** As {@link #connect(LdapSettings)}, with the clock that ages the membership cache. */
    public static LdapDirectory connect(LdapSettings settings, Clock clock) {
        return new LdapDirectory(settings, clock);
    }

    /**
     * Checks a login. Empty for an unknown user, a wrong password, a rejected account, a login
     * name that matches several entries, or an empty password (refused before any bind: an LDAP
     * bind with a DN and no password succeeds anonymously). On success the user's groups are read
     * and cached.
     *
     * @throws DirectoryUnavailableException when the directory cannot be asked
     */
    public Optional<DirectoryUser> authenticate(String username, char[] password) {
        if (password == null || password.length == 0 || username == null || username.isBlank()) {
            return Optional.empty();
        }
        Instant start = clock.instant();
        try {
            Served<Optional<SearchResultEntry>> found =
                    connector.withServiceConnection(connection -> reader.findUser(connection, username));
            if (found.value().isEmpty()) {
                succeeded(found.serverUrl(), start);
                return Optional.empty();
            }
            SearchResultEntry entry = found.value().get();
            if (!connector.bindAsUser(entry.getDN(), password)) {
                succeeded(found.serverUrl(), start);
                return Optional.empty();
            }
            Served<DirectoryUser> user =
                    connector.withServiceConnection(connection -> reader.toUser(connection, entry));
            memberships.put(key(user.value().username()), user.value());
            succeeded(user.serverUrl(), start);
            return Optional.of(user.value());
        } catch (LDAPException e) {
            throw unavailable("login", e);
        }
    }

    /**
     * The user with this login name and their groups; empty if the directory has no such user.
     * Answers from the membership cache while the entry is younger than the TTL.
     *
     * @throws DirectoryUnavailableException when the entry is not cached (or too old) and the
     *     directory cannot be asked
     */
    public Optional<DirectoryUser> lookup(String username) {
        if (username == null || username.isBlank()) {
            return Optional.empty();
        }
        DirectoryUser cached = memberships.getIfPresent(key(username));
        if (cached != null) {
            return Optional.of(cached);
        }
        Instant start = clock.instant();
        try {
            Served<Optional<DirectoryUser>> read = connector.withServiceConnection(connection -> {
                Optional<SearchResultEntry> entry = reader.findUser(connection, username);
                return entry.isEmpty()
                        ? Optional.<DirectoryUser>empty()
                        : Optional.of(reader.toUser(connection, entry.get()));
            });
            read.value().ifPresent(user -> memberships.put(key(username), user));
            succeeded(read.serverUrl(), start);
            return read.value();
        } catch (LDAPException e) {
            throw unavailable("lookup of a user", e);
        }
    }

    /** The configured server URLs, in the order they are tried. */
    public List<String> urls() {
        return urls;
    }

    /** What the last operation or check observed; never contacts the server. */
    public DirectoryStatus status() {
        return status.get();
    }

    /**
     * Checks the directory now: connects, binds as the service account and reads the user and
     * group base entries. Never throws; the outcome is returned and becomes {@link #status()}.
     */
    public DirectoryStatus testConnection() {
        Instant start = clock.instant();
        long started = System.nanoTime();
        try (LDAPConnection connection = connector.openServiceConnection()) {
            for (String base : new String[] {reader.userBase(), reader.groupBase()}) {
                if (connection.getEntry(base, "1.1") == null) {
                    throw new LDAPException(
                            ResultCode.NO_SUCH_OBJECT,
                            "base entry " + base + " does not exist or is not readable by the service account");
                }
            }
            DirectoryStatus ok = new DirectoryStatus(
                    true, connector.urlOf(connection), Duration.ofNanos(System.nanoTime() - started), start, null);
            status.set(ok);
            return ok;
        } catch (LDAPException e) {
            DirectoryStatus failed = new DirectoryStatus(false, connector.configuredUrls(), null, start, describe(e));
            status.set(failed);
            return failed;
        }
    }

    /** Closes the pooled connections. Later calls throw {@link DirectoryUnavailableException}. */
    @Override
    public void close() {
        connector.close();
    }

    private void succeeded(String serverUrl, Instant start) {
        status.set(new DirectoryStatus(true, serverUrl, Duration.between(start, clock.instant()), start, null));
    }

    private DirectoryUnavailableException unavailable(String what, LDAPException e) {
        String reason = describe(e);
        status.set(new DirectoryStatus(false, connector.configuredUrls(), null, clock.instant(), reason));
        LOG.warn("LDAP directory unavailable for {}: {}", what, reason);
        return new DirectoryUnavailableException(
                "LDAP directory unavailable (" + connector.configuredUrls() + "), " + what + " failed: " + reason, e);
    }

    private static String describe(LDAPException e) {
        // The SDK's messages name the server and the failure; they never contain bind passwords.
        return e.getResultCode() + ": " + e.getMessage();
    }

    private static String key(String username) {
        return username.toLowerCase(Locale.ROOT);
    }
}
