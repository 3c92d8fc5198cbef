package org.patgate.server.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One node's row in the cluster view, as that node last wrote it.
 *
 * @param address           where the node serves (its base URI)
 * @param heartbeatInterval the node's own {@code cluster.heartbeatInterval}: its silence is judged by it
 * @param tokenCacheEntries tokens the node held in memory at its last heartbeat
 * @param activityQueued    activity events waiting in its memory to be written
 * @param activityDropped   activity events it lost since it started (queue bound, failed writes)
 * @param databaseMillis    how long its last heartbeat took to reach the database and back
 */
public record NodeRecord(
        String id,
        String address,
        String version,
        Instant startedAt,
        Instant lastSeen,
        Duration heartbeatInterval,
        long tokenCacheEntries,
        long activityQueued,
        long activityDropped,
        long databaseMillis) {

    /** Heartbeat intervals a node may miss before it shows as {@link NodeStatus#DEGRADED}. */
    public static final int MISSED_BEFORE_DEGRADED = 2;
    /** Heartbeat intervals without a sign of life after which a node shows as {@link NodeStatus#GONE}. */
    public static final int MISSED_BEFORE_GONE = 6;

    public NodeRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(lastSeen, "lastSeen");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("heartbeatInterval must be positive");
        }
    }

    /**
     * The node's status at {@code now}, from how long ago it was last seen measured in its own heartbeat
     * intervals: up to {@value #MISSED_BEFORE_DEGRADED} intervals up, then degraded (it misses heartbeats:
     * it may not reach the database, or is overloaded), after {@value #MISSED_BEFORE_GONE} gone.
     */
    public NodeStatus statusAt(Instant now) {
        Duration silent = Duration.between(lastSeen, now);
        if (silent.compareTo(heartbeatInterval.multipliedBy(MISSED_BEFORE_GONE)) > 0) {
            return NodeStatus.GONE;
        }
        if (silent.compareTo(heartbeatInterval.multipliedBy(MISSED_BEFORE_DEGRADED)) > 0) {
            return NodeStatus.DEGRADED;
        }
        return NodeStatus.UP;
    }
}
