package org.patgate.server.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node knows about reaching its database: told by the heartbeat after every attempt and by
 * the request path when a read fails, asked by the health answer, the token checks and the management
 * API. "Unreachable" starts with the first failure and ends with the next success; the node is
 * {@linkplain #degradedReason() degraded} once it has not reached the database for longer than the
 * grace ({@code cluster.databaseGrace}). Messages never carry driver text (a JDBC URL may hold a
 * password). Thread-safe: volatile state, last writer wins.
 */
public final class DatabaseWatch {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseWatch.class);

    private final Clock clock;
    private final Duration grace;
    private volatile Instant lastReached;
    private volatile Instant failingSince;

    /** Starts as reached now: a node opens (and migrates) its database before it serves. */
    public DatabaseWatch(Clock clock, Duration grace) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.grace = Objects.requireNonNull(grace, "grace");
        this.lastReached = clock.instant();
    }

    /** The database answered. */
    public void reached() {
        Instant failing = failingSince;
        lastReached = clock.instant();
        failingSince = null;
        if (failing != null) {
            LOG.info(
                    "the database answers again after {} s",
                    Duration.between(failing, lastReached).toSeconds());
        }
    }

    /** An attempt to reach the database failed ({@code cause} is logged, never shown to clients). */
    public void failed(Throwable cause) {
        if (failingSince == null) {
            failingSince = clock.instant();
            LOG.warn("the database cannot be reached: {}", cause.toString());
        }
    }

    /**
     * Whether the last attempt failed. Callers that would wait on the pool for a connection (seconds)
     * answer at once instead, from memory or with 503; the heartbeat keeps trying.
     */
    public boolean unreachable() {
        return failingSince != null;
    }

    /** When the database last answered. */
    public Instant lastReached() {
        return lastReached;
    }

    public Duration grace() {
        return grace;
    }

    /** Why this node is degraded now, or empty: it reached the database within the grace. */
    public Optional<String> degradedReason() {
        if (failingSince == null) {
            return Optional.empty();
        }
        Duration silent = Duration.between(lastReached, clock.instant());
        if (silent.compareTo(grace) <= 0) {
            return Optional.empty();
        }
        return Optional.of("the database has not been reached for " + silent.toSeconds()
                + " s (cluster.databaseGrace is " + grace.toSeconds() + " s)");
    }
}
