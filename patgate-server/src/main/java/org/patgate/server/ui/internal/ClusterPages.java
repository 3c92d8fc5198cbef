package org.patgate.server.ui.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.patgate.server.cluster.NodeRecord;
import org.patgate.server.cluster.NodeRegistry;
import org.patgate.server.error.NotFoundException;

/**
 * {@code /.patgate/admin/cluster}: the nodes registered in the shared database, their status as this
 * node sees it and what each reported with its last heartbeat; the table refreshes itself (htmx) every
 * few seconds. Read-only. Thread-safe.
 */
public final class ClusterPages {

    static final String PATH = AdminPages.PATH + "/cluster";

    /** A node as the page lists it. */
    public record NodeRow(
            String id,
            String status,
            boolean self,
            String address,
            String version,
            String startedAt,
            String lastSeen,
            long tokenCacheEntries,
            long activityQueued,
            long activityDropped,
            long databaseMs) {

        static NodeRow of(NodeRegistry.NodeView view) {
            NodeRecord node = view.node();
            return new NodeRow(
                    node.id(),
                    view.status().wireName(),
                    view.self(),
                    node.address(),
                    node.version(),
                    node.startedAt().toString(),
                    node.lastSeen().toString(),
                    node.tokenCacheEntries(),
                    node.activityQueued(),
                    node.activityDropped(),
                    node.databaseMillis());
        }
    }

    private final NodeRegistry registry;

    public ClusterPages(NodeRegistry registry) {
        this.registry = registry;
    }

    void handle(UiExchange exchange) {
        if (exchange.segments().size() != 2 || !exchange.method().equals("GET")) {
            throw new NotFoundException("no such page");
        }
        NodeRegistry.ClusterView view = registry.view();
        List<NodeRow> rows = view.nodes().stream().map(NodeRow::of).toList();
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell("Cluster", "admin-cluster"));
        params.put("answeredBy", view.answeredBy() == null ? "" : view.answeredBy());
        params.put("at", view.at().toString());
        params.put("nodes", rows);
        // htmx asks for the table alone every few seconds.
        exchange.html(200, exchange.htmx() ? "admin/cluster_nodes.jte" : "admin/cluster.jte", params);
    }
}
