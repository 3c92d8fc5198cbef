package org.patgate.server.app;

import java.time.Clock;
import java.time.Duration;
import org.patgate.server.cluster.ChangePropagation;
import org.patgate.server.cluster.DatabaseWatch;
import org.patgate.server.cluster.Heartbeat;
import org.patgate.server.cluster.NodeRegistry;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.metrics.NodeMetrics;
import org.patgate.server.store.Database;
import org.patgate.server.store.StoreException;

/**
 * This node's part in a cluster of nodes on one database: what it knows about reaching the database
 * (known tokens outlive an outage by {@code cluster.databaseGrace}), other nodes' changes applied to
 * its caches as they commit, and, once it serves, its heartbeat in the node registry. On H2 the same
 * pieces run for one node (nothing listens for changes there).
 *
 * <p>Opened before the node serves, {@link #join joined} once its port is known, closed before the
 * database. Not thread-safe for those calls; the parts it holds are.
 */
final class ClusterMembership implements AutoCloseable {

    private final PatgateConfig config;
    private final Services services;
    private final Clock clock;
    private final DatabaseWatch watch;
    private final NodeRegistry nodes;
    private final ChangePropagation changes;
    private Heartbeat heartbeat;

    private ClusterMembership(
            PatgateConfig config,
            Services services,
            Clock clock,
            DatabaseWatch watch,
            NodeRegistry nodes,
            ChangePropagation changes) {
        this.config = config;
        this.services = services;
        this.clock = clock;
        this.watch = watch;
        this.nodes = nodes;
        this.changes = changes;
    }

    /**
     * Watches the database for this node, lets the token cache outlive an outage, publishes the
     * outage in {@code metrics}, and starts listening for other nodes' changes.
     */
    static ClusterMembership open(
            PatgateConfig config, Database database, Services services, NodeMetrics metrics, Clock clock) {
        // Told by the heartbeat and by failed token loads.
        DatabaseWatch watch = new DatabaseWatch(clock, config.cluster().databaseGrace());
        services.verifier().keepThroughOutages(config.cluster().databaseGrace(), watch::unreachable, failure -> {
            if (failure instanceof StoreException store && store.databaseUnreachable()) {
                watch.failed(failure);
            }
        });
        metrics.gauge(
                "patgate.activity.held",
                "Activity events held because the database could not be reached, written when it answers",
                () -> services.activity().held());
        metrics.gauge(
                "patgate.database.unreachable.seconds",
                "Seconds since the node last reached its database while it cannot; 0 while it can",
                () -> watch.unreachable()
                        ? Duration.between(watch.lastReached(), clock.instant()).toMillis() / 1000.0
                        : 0);
        // Other nodes' changes reach this node's caches as they commit (PostgreSQL; nothing on H2).
        ChangePropagation changes = ChangePropagation.start(
                database,
                config.database().url(),
                config.database().username(),
                config.database().password(),
                services.localCaches(),
                clock,
                services.clusterJobs());
        return new ClusterMembership(
                config, services, clock, watch, new NodeRegistry(database.dataSource(), clock), changes);
    }

    /** Registers this node, answering at {@code baseUri} on {@code port}, and starts its heartbeat. */
    void join(int port, String baseUri) {
        String nodeId = config.cluster().nodeId().isEmpty()
                ? Heartbeat.defaultNodeId(port)
                : config.cluster().nodeId();
        heartbeat = Heartbeat.start(
                nodes.joinAs(nodeId),
                watch,
                clock,
                config.cluster().heartbeatInterval(),
                baseUri,
                Version.get(),
                () -> new Heartbeat.Stats(
                        services.verifier().cachedTokens(),
                        services.activity().queued() + services.activity().held(),
                        services.activity().dropped()));
    }

    DatabaseWatch watch() {
        return watch;
    }

    NodeRegistry nodes() {
        return nodes;
    }

    ChangePropagation changes() {
        return changes;
    }

    /** Null until {@link #join}. */
    Heartbeat heartbeat() {
        return heartbeat;
    }

    /** Leaves the cluster view (while the database is still open) and stops listening. */
    @Override
    public void close() {
        if (heartbeat != null) {
            heartbeat.close();
        }
        changes.close();
    }
}
