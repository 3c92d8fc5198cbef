package org.patgate.server.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.patgate.server.cluster.internal.NodeTable;

/**
 * The cluster's nodes as they registered in the shared database ({@code cluster_nodes}), and their
 * status as seen from here. Writing is the {@link Heartbeat}'s job; anyone may {@link #view()}.
 * Reads and writes go to the database ({@link org.patgate.server.store.StoreException} when it fails).
 * Thread-safe.
 */
public final class NodeRegistry {

    /** Rows of nodes silent this long are deleted (by any node's heartbeat). */
    public static final Duration FORGET_AFTER = Duration.ofDays(1);

    private final NodeTable table;
    private final Clock clock;
    // Known once the node serves (its port may be picked at bind time); null before.
    private volatile String selfId;

    public NodeRegistry(DataSource dataSource, Clock clock) {
        this.table = new NodeTable(dataSource);
        this.clock = clock;
    }

    /** Names this node; once, before its {@link Heartbeat} starts. Returns this registry. */
    public NodeRegistry joinAs(String id) {
        if (selfId != null) {
            throw new IllegalStateException("this node already joined as " + selfId);
        }
        selfId = Objects.requireNonNull(id, "id");
        return this;
    }

    /** One node with its status at the time of the view. */
    public record NodeView(NodeRecord node, NodeStatus status, boolean self) {}

    /** The cluster as this node sees it: which node answered (null before it joined), and every registered node, by id. */
    public record ClusterView(String answeredBy, Instant at, List<NodeView> nodes) {}

    /** This node's id in the cluster; null before {@link #joinAs}. */
    public String selfId() {
        return selfId;
    }

    public ClusterView view() {
        Instant now = clock.instant();
        String selfId = this.selfId;
        List<NodeView> nodes = table.all().stream()
                .map(node -> new NodeView(node, node.statusAt(now), node.id().equals(selfId)))
                .toList();
        return new ClusterView(selfId, now, nodes);
    }

    void register(NodeRecord node) {
        table.register(node);
    }

    /** Refreshes the row; re-registers it when it went missing. */
    void beat(NodeRecord node) {
        if (!table.beat(node)) {
            table.register(node);
        }
    }

    void remove() {
        table.remove(selfId);
    }

    int forgetSilentSince(Instant cutoff) {
        return table.removeSilentSince(cutoff);
    }
}
