package org.patgate.server.cluster;

import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.patgate.server.cluster.internal.ChangeListener;
import org.patgate.server.store.Change;
import org.patgate.server.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings other nodes' changes to this node's caches. On PostgreSQL one thread listens on a
 * connection of its own (not from the pool: a pooled connection would be handed to others and lose
 * its {@code LISTEN}) and applies each change as its notification arrives, typically within
 * milliseconds of the commit. While that connection is down and the database still answers (so
 * other nodes can commit changes this node would not hear of), this node forgets its cached token
 * checks every {@link #DISTRUST_PERIOD}; once it listens again it replays the change log (or, when
 * rows it needed were purged, forgets everything) before its caches count as trusted. Rows older
 * than {@link #RETENTION} are purged by one node at a time ({@link ClusterJob#CHANGE_LOG_PURGE}). On H2 (one node) nothing runs. Thread-safe.
 */
public final class ChangePropagation implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangePropagation.class);

    /** How long the change log keeps a row: a node away longer forgets everything when it is back. */
    public static final Duration RETENTION = Duration.ofDays(1);

    /** While not listening, cached token checks are forgotten this often. */
    public static final Duration DISTRUST_PERIOD = ChangeListener.DISTRUST_PERIOD;

    private static final Duration FIRST_LISTEN_WAIT = Duration.ofSeconds(10);

    private final ChangeListener listener;

    private ChangePropagation(ChangeListener listener) {
        this.listener = listener;
    }

    /**
     * Starts listening when the database is PostgreSQL, waiting a little for the first {@code LISTEN}
     * (a node that cannot listen yet starts anyway, distrusting its caches until it can).
     *
     * @param jdbcUrl how to open the listening connection (the database's own URL, user and password)
     * @param jobs keeps the purge of the change log to one node at a time
     */
    public static ChangePropagation start(
            Database database,
            String jdbcUrl,
            String username,
            String password,
            LocalCaches caches,
            Clock clock,
            ClusterJobs jobs) {
        if (database.kind() != Database.Kind.POSTGRESQL) {
            return new ChangePropagation(null);
        }
        Properties properties = new Properties();
        properties.setProperty("user", username == null ? "" : username);
        properties.setProperty("password", password == null ? "" : password);
        properties.setProperty("ApplicationName", "patgate-changes");
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("connectTimeout", "10");
        // Error details quote row values; keep them out of exception messages (as the pool does).
        properties.setProperty("logServerErrorDetail", "false");
        ChangeListener listener = new ChangeListener(
                () -> DriverManager.getConnection(jdbcUrl, properties),
                database.changes(),
                new ChangeListener.Target() {
                    @Override
                    public void apply(Change change) {
                        caches.apply(change);
                    }

                    @Override
                    public void forgetEverything() {
                        caches.forgetEverything();
                    }
                },
                clock,
                RETENTION,
                jobs);
        if (!listener.start(FIRST_LISTEN_WAIT)) {
            LOG.warn(
                    "not yet listening for other nodes' changes; cached token checks are kept at most {} s until then",
                    DISTRUST_PERIOD.toSeconds());
        }
        return new ChangePropagation(listener);
    }

    /** Whether this node runs a listener at all (PostgreSQL). */
    public boolean enabled() {
        return listener != null;
    }

    /** Whether this node listens and has caught up: other nodes' changes reach it at once. */
    public boolean listening() {
        return listener != null && listener.listening();
    }

    /** The highest change seq applied here; -1 before the first {@code LISTEN} or without a listener. */
    public long lastSeq() {
        return listener == null ? -1 : listener.lastSeq();
    }

    /** The PostgreSQL backend process id of the listening connection, 0 when there is none. */
    public int listenerBackendPid() {
        return listener == null ? 0 : listener.backendPid();
    }

    /** How often the change log was replayed after a lost connection. */
    public long resyncs() {
        return listener == null ? 0 : listener.resyncs();
    }

    /** How often every cached answer was forgotten because changes may have been missed. */
    public long forgotten() {
        return listener == null ? 0 : listener.forgotten();
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close();
        }
    }
}
