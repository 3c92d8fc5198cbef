package org.patgate.server.config;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * How a node takes part in a cluster of nodes on one database ({@code cluster.*}): the name it
 * registers under, how often it tells the others it is alive, and how long it may go without
 * reaching the database before its health says {@code DEGRADED}. A single node uses the same keys:
 * it is a cluster of one. Declares its keys ({@link #KEYS}). Immutable.
 *
 * @param nodeId the node's name in the cluster view, or empty: the host name and port
 */
public record ClusterConfig(String nodeId, Duration heartbeatInterval, Duration databaseGrace) {

    /** The longest node id the {@code cluster_nodes} table keeps. */
    public static final int MAX_NODE_ID_LENGTH = 200;

    public static final Setting<ClusterConfig, String> NODE_ID = Setting.of(
            "cluster.nodeId",
            new SettingType.Text(),
            "",
            ClusterConfig::checkNodeId,
            ClusterConfig::nodeId,
            "This node's name in the cluster view; empty: its host name and port. Unique per running node.");
    public static final Setting<ClusterConfig, Duration> HEARTBEAT_INTERVAL = Setting.of(
            "cluster.heartbeatInterval",
            new SettingType.Span(),
            Duration.ofSeconds(5),
            value -> within("between 1s and 10m", value, Duration.ofSeconds(1), Duration.ofMinutes(10)),
            ClusterConfig::heartbeatInterval,
            "How often the node records in the database that it is alive (and checks it can reach it).");
    public static final Setting<ClusterConfig, Duration> DATABASE_GRACE = Setting.of(
            "cluster.databaseGrace",
            new SettingType.Span(),
            Duration.ofSeconds(30),
            value -> within("between 1s and 1h", value, Duration.ofSeconds(1), Duration.ofHours(1)),
            ClusterConfig::databaseGrace,
            "How long the node may go without reaching the database before its health says DEGRADED; "
                    + "tokens checked that recently keep working meanwhile.");
    /** Every {@code cluster.*} key. */
    public static final List<Setting<ClusterConfig, ?>> KEYS = List.of(NODE_ID, HEARTBEAT_INTERVAL, DATABASE_GRACE);

    public ClusterConfig {
        nodeId = NODE_ID.require(nodeId == null ? "" : nodeId);
        HEARTBEAT_INTERVAL.require(heartbeatInterval);
        DATABASE_GRACE.require(databaseGrace);
    }

    /** Builds the section from one value per key in {@link #KEYS}. */
    public static ClusterConfig from(Function<? super Setting<ClusterConfig, ?>, Object> values) {
        return new ClusterConfig(NODE_ID.pick(values), HEARTBEAT_INTERVAL.pick(values), DATABASE_GRACE.pick(values));
    }

    public static ClusterConfig defaults() {
        return from(setting -> setting.defaultFor(UpstreamProduct.GENERIC));
    }

    private static void checkNodeId(String id) {
        if (id.length() > MAX_NODE_ID_LENGTH) {
            throw new ConfigException("must be at most " + MAX_NODE_ID_LENGTH + " characters long");
        }
        // Shown in the admin page and the API; letters, digits and a few separators keep it readable and safe.
        if (!id.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == ':')) {
            throw new ConfigException("may only hold letters, digits, '-', '_', '.' and ':'");
        }
    }

    private static void within(String range, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new ConfigException("must be " + range);
        }
    }
}
