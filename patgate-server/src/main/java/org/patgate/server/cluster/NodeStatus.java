package org.patgate.server.cluster;

import java.util.Locale;

/** How a node looks to the rest of the cluster (see {@link NodeRecord#statusAt}). */
public enum NodeStatus {
    /** Heartbeats arrive on schedule. */
    UP,
    /** Heartbeats are late: the node may not reach the database, or is overloaded. */
    DEGRADED,
    /** No heartbeat for a long while: stopped without saying so, or cut off. */
    GONE;

    /** The name in JSON and on the admin page: {@code up}, {@code degraded}, {@code gone}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
