package org.patgate.server.cluster.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.patgate.server.cluster.ClusterJob;
import org.patgate.server.cluster.ClusterJobs;
import org.patgate.server.store.Change;
import org.patgate.server.store.ChangeRepository;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread holding one dedicated PostgreSQL connection (not from the pool) with {@code LISTEN
 * patgate_changes}: each notification is applied at once; when the connection breaks while the
 * database still answers, every cached answer is forgotten every {@link #DISTRUST_PERIOD} until it
 * listens again (the caches behave as if their TTL were that short),
 * reconnecting with backoff; once listening again it replays the change log before it counts as
 * connected. Also purges log rows older than the retention, at most once an hour by its clock, as the
 * cluster job {@link ClusterJob#CHANGE_LOG_PURGE} (one node at a time). Thread-safe: the state is read by other threads through volatiles.
 */
public final class ChangeListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);

    /** While not listening, cached answers are forgotten this often. */
    public static final Duration DISTRUST_PERIOD = Duration.ofSeconds(1);

    /**
     * Replayed again below the last seq applied: a transaction takes its seq when it writes the row and
     * may commit after one with a higher seq, so the notifications lost at a disconnect may be a little
     * below it. Replaying a change twice does no harm.
     */
    static final long REPLAY_OVERLAP = 1000;

    private static final int POLL_MILLIS = 500;
    private static final long KEEPALIVE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Duration PURGE_EVERY = Duration.ofHours(1);
    private static final long MIN_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    private static final int REPLAY_BATCH = 1000;

    /** Opens the listening connection; each call a new one. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    /** What a change does to this node. */
    public interface Target {
        void apply(Change change);

        void forgetEverything();
    }

    private final ConnectionSource connections;
    private final ChangeRepository log;
    private final Target target;
    private final Clock clock;
    private final Duration retention;
    private final ClusterJobs jobs;
    private final Thread thread;
    private final CountDownLatch firstListen = new CountDownLatch(1);
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong forgotten = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean listening;
    private volatile long lastSeq = -1; // -1: not known yet
    private volatile int backendPid;
    private volatile Connection connection;
    private Instant nextPurge = Instant.MIN; // read and written by the listening thread only

    /** A listener that purges the log as if it were the only node: for a listener used alone. */
    public ChangeListener(
            ConnectionSource connections, ChangeRepository log, Target target, Clock clock, Duration retention) {
        this(connections, log, target, clock, retention, ClusterJobs.local());
    }

    /** @param jobs keeps the purge of old log rows to one node of the cluster at a time */
    public ChangeListener(
            ConnectionSource connections,
            ChangeRepository log,
            Target target,
            Clock clock,
            Duration retention,
            ClusterJobs jobs) {
        this.connections = connections;
        this.log = log;
        this.target = target;
        this.clock = clock;
        this.retention = retention;
        this.jobs = jobs;
        this.thread = Thread.ofPlatform().daemon().name("patgate-changes").unstarted(this::run);
    }

    /** Starts listening; waits at most {@code wait} for the first {@code LISTEN}. True if it listens. */
    public boolean start(Duration wait) {
        thread.start();
        try {
            return firstListen.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether the node listens and has replayed what it missed: its caches are trusted. */
    public boolean listening() {
        return listening;
    }

    /** The highest seq applied, -1 before the first {@code LISTEN}. */
    public long lastSeq() {
        return lastSeq;
    }

    /** The PostgreSQL backend process of the listening connection (0 when there is none). */
    public int backendPid() {
        return backendPid;
    }

    /** Changes applied from notifications and replays. */
    public long applied() {
        return applied.get();
    }

    /** Times the log was replayed after a lost connection. */
    public long resyncs() {
        return resyncs.get();
    }

    /** Times every cached answer was forgotten because changes may have been missed. */
    public long forgotten() {
        return forgotten.get();
    }

    private void run() {
        long backoff = MIN_BACKOFF_MILLIS;
        boolean reportedDown = false;
        while (running) {
            try (Connection open = connections.open()) {
                connection = open;
                listen(open);
                backoff = MIN_BACKOFF_MILLIS;
                if (reportedDown) {
                    LOG.info("listening for changes again; caches resynchronised up to change {}", lastSeq);
                    reportedDown = false;
                }
                serve(open);
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    break;
                }
                listening = false;
                backendPid = 0;
                if (!reportedDown) {
                    LOG.warn(
                            "lost the connection that listens for other nodes' changes ({}); while the database "
                                    + "answers, cached token checks are kept at most {} s until it is back",
                            e.getClass().getSimpleName(),
                            DISTRUST_PERIOD.toSeconds());
                    reportedDown = true;
                }
                // No forgetting here: reconnecting (soon) replays what was missed, and a pooled connection
                // that still answers at the start of an outage would empty the caches the outage needs.
                backoff = waitDistrusting(backoff);
            } finally {
                connection = null;
            }
        }
    }

    /** LISTEN first, then read the log: a change committed in between is seen at least once. */
    private void listen(Connection open) throws SQLException {
        try (Statement statement = open.createStatement()) {
            statement.execute("LISTEN " + ChangeRepository.CHANNEL);
        }
        backendPid = open.unwrap(PGConnection.class).getBackendPID();
        if (lastSeq < 0) {
            lastSeq = log.lastSeq();
            if (forgotten.get() > 0) {
                // The node served before it could first listen: what it cached then has no seq to replay from.
                forgetEverything();
            }
        } else {
            resync();
        }
        listening = true;
        firstListen.countDown();
    }

    /**
     * Replays the log from a little below the last seq applied. When the rows right after it are gone
     * (purged while this node was away), the gap cannot be proved complete: everything is forgotten.
     */
    private void resync() {
        resyncs.incrementAndGet();
        long known = lastSeq;
        OptionalLong first = log.firstSeq();
        boolean complete = first.isPresent() ? first.getAsLong() <= known + 1 : log.lastSeq() <= known;
        long from = Math.max(0, known - REPLAY_OVERLAP);
        long highest = known;
        List<Change> batch;
        do {
            batch = log.after(from, REPLAY_BATCH);
            for (Change change : batch) {
                apply(change);
                from = change.seq();
                highest = Math.max(highest, change.seq());
            }
        } while (batch.size() == REPLAY_BATCH);
        if (!complete) {
            LOG.warn("changes after {} were purged before this node read them; forgetting every cached answer", known);
            forgetEverything();
        }
        lastSeq = highest;
    }

    private void serve(Connection open) throws SQLException {
        PGConnection notifications = open.unwrap(PGConnection.class);
        long lastTraffic = System.nanoTime();
        while (running) {
            maybePurge();
            PGNotification[] received = notifications.getNotifications(POLL_MILLIS);
            if (received != null && received.length > 0) {
                lastTraffic = System.nanoTime();
                for (PGNotification notification : received) {
                    handle(notification.getParameter());
                }
            } else if (System.nanoTime() - lastTraffic > KEEPALIVE_NANOS) {
                // A connection cut without a word (a dead peer) shows only when used.
                try (Statement statement = open.createStatement()) {
                    statement.execute("SELECT 1");
                }
                lastTraffic = System.nanoTime();
            }
        }
    }

    /** {@code <seq>:<kind>:<subject>}; anything else is read as "forget everything". */
    private void handle(String payload) {
        String[] parts = payload.split(":", 3);
        try {
            long seq = Long.parseLong(parts[0]);
            Change change = new Change(seq, Change.Kind.fromWireName(parts[1]), parts[2], null);
            apply(change);
            if (seq > lastSeq) {
                lastSeq = seq;
            }
        } catch (RuntimeException e) {
            LOG.warn("unreadable change notification; forgetting every cached answer");
            forgetEverything();
        }
    }

    private void apply(Change change) {
        try {
            target.apply(change);
        } catch (RuntimeException e) {
            LOG.warn("applying a {} change failed ({}); forgetting every cached answer", change.kind(), e.toString());
            forgetEverything();
        }
        applied.incrementAndGet();
    }

    /**
     * Forgets everything when the database answers (through the pool): then other nodes can commit
     * changes this node does not hear of. When it does not answer, nobody can change anything, and the
     * node keeps what it cached (what it serves while the database is down is the token cache's own
     * rule); the replay after reconnecting covers whatever committed meanwhile.
     */
    private void forgetIfOthersCanChange() {
        try {
            log.lastSeq();
        } catch (RuntimeException databaseDown) {
            return;
        }
        forgetEverything();
    }

    private void forgetEverything() {
        forgotten.incrementAndGet();
        try {
            target.forgetEverything();
        } catch (RuntimeException e) {
            LOG.warn("forgetting the caches failed: {}", e.toString());
        }
    }

    /** Sleeps {@code backoff}, forgetting the caches every {@link #DISTRUST_PERIOD}; returns the next backoff. */
    private long waitDistrusting(long backoff) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff);
        long period = DISTRUST_PERIOD.toMillis();
        try {
            while (running) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                Thread.sleep(Math.min(left, period));
                if (left > period) {
                    forgetIfOthersCanChange();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
        return Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
    }

    /**
     * Deletes rows older than the retention, but never the newest row: it keeps {@link
     * ChangeRepository#firstSeq} meaningful, so a node back after a longer absence still sees that rows
     * it needed are gone (and forgets everything) instead of reading an empty log as complete.
     */
    private void maybePurge() {
        Instant now = clock.instant();
        if (now.isBefore(nextPurge)) {
            return;
        }
        nextPurge = now.plus(PURGE_EVERY);
        try {
            jobs.runIfFree(ClusterJob.CHANGE_LOG_PURGE, () -> {
                int purged = log.purgeBefore(now.minus(retention));
                if (purged > 0) {
                    LOG.info("purged {} changes older than {}", purged, retention);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("purging old changes failed: {}", e.toString());
        }
    }

    /** Stops listening and closes the connection; bounded. */
    @Override
    public void close() {
        running = false;
        Connection open = connection;
        if (open != null) {
            try {
                open.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
