package org.patgate.server.api;

import java.time.Instant;
import java.util.List;
import org.patgate.server.cluster.NodeRecord;
import org.patgate.server.cluster.NodeRegistry;
import org.patgate.server.http.Exchange;
import org.patgate.server.principal.Principal;

/**
 * {@code GET /cluster}: the nodes registered in the shared database with their status as seen by the
 * node that answers ({@code up}, {@code degraded}, {@code gone}), and which node that is. Admins only.
 * Holds no secret. Thread-safe.
 */
public final class ClusterResource {

    private final NodeRegistry registry;

    public ClusterResource(NodeRegistry registry) {
        this.registry = registry;
    }

    /** One node as the API shows it. */
    record NodeView(
            String id,
            String status,
            boolean self,
            String address,
            String version,
            Instant startedAt,
            Instant lastSeen,
            long heartbeatIntervalMs,
            long tokenCacheEntries,
            long activityQueued,
            long activityDropped,
            long databaseMs) {

        static NodeView of(NodeRegistry.NodeView view) {
            NodeRecord node = view.node();
            return new NodeView(
                    node.id(),
                    view.status().wireName(),
                    view.self(),
                    node.address(),
                    node.version(),
                    node.startedAt(),
                    node.lastSeen(),
                    node.heartbeatInterval().toMillis(),
                    node.tokenCacheEntries(),
                    node.activityQueued(),
                    node.activityDropped(),
                    node.databaseMillis());
        }
    }

    record ClusterView(String answeredBy, Instant at, List<NodeView> nodes) {}

    /** {@code GET /cluster} (admins). */
    void list(Exchange exchange, Principal principal) {
        principal.requireAdmin("see the cluster's nodes");
        NodeRegistry.ClusterView view = registry.view();
        exchange.sendJson(
                200,
                new ClusterView(
                        view.answeredBy(),
                        view.at(),
                        view.nodes().stream().map(NodeView::of).toList()));
    }
}
