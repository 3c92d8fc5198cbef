package org.patgate.server.app;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.dataplane.NettyDataPlane;
import org.patgate.server.gateway.ExchangeBudget;
import org.patgate.server.gateway.ExternalCheck;
import org.patgate.server.gateway.GatewayGate;
import org.patgate.server.metrics.NodeMetrics;
import org.patgate.server.token.TokenVerifier;

/**
 * The public port when Netty is the data plane ({@code listen.dataPlane: netty}): Netty forwards to
 * the upstream and relays PATgate's own pages to Jetty on its {@link ManagementSocket}. Owns the
 * threads on which decisions that read the store run (virtual threads: they wait on the database
 * pool, which bounds them). Started last, closed first.
 */
final class NettyFront implements AutoCloseable {

    private final NettyDataPlane plane;
    private final ExecutorService blocking;
    private final Path managementSocket;

    private NettyFront(NettyDataPlane plane, ExecutorService blocking, Path managementSocket) {
        this.plane = plane;
        this.blocking = blocking;
        this.managementSocket = managementSocket;
    }

    /** The executor for {@link GatewayGate#decide}, to build the gate with before {@link #start}. */
    static ExecutorService newBlockingExecutor() {
        return Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("patgate-decide-", 0).factory());
    }

    static NettyFront start(
            PatgateConfig config,
            GatewayGate gate,
            ExternalCheck check,
            ExchangeBudget budget,
            Path managementSocket,
            ExecutorService blocking,
            TokenVerifier verifier) {
        NettyDataPlane plane =
                NettyDataPlane.start(NettyDataPlane.Settings.from(config), gate, check, budget, managementSocket);
        // A token revoked, an owner disabled, a permission taken: open WebSockets are decided again at once.
        verifier.onInvalidation(plane.upgrades()::decideAllNow);
        return new NettyFront(plane, blocking, managementSocket);
    }

    int port() {
        return plane.port();
    }

    /** Request bodies the plane cut for arriving too slowly. */
    long slowRequestBodiesCut() {
        return plane.slowRequestBodiesCut();
    }

    /** The plane's connections and WebSockets, read when the metrics are scraped. */
    void watch(NodeMetrics metrics) {
        metrics.gauge(
                "patgate.dataplane.upstream.connections",
                "Open connections from the data plane to the upstream",
                plane::upstreamConnections);
        metrics.gauge(
                "patgate.dataplane.websockets",
                "WebSockets the data plane relays now",
                () -> plane.upgrades().open());
    }

    /** {@code dataPlane} in health. */
    Map<String, Object> health() {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("engine", "netty");
        health.put("transport", plane.transport());
        health.put("eventLoops", plane.eventLoops());
        health.put("upstreamConnectionsOpen", plane.upstreamConnections());
        Map<String, Object> webSockets = new LinkedHashMap<>();
        webSockets.put("open", plane.upgrades().open());
        webSockets.put("closedNoLongerAllowed", plane.upgrades().closedNoLongerAllowed());
        health.put("webSockets", webSockets);
        Map<String, Object> tls = plane.tlsHealth();
        if (!tls.isEmpty()) {
            health.put("tls", tls);
        }
        return health;
    }

    @Override
    public void close() {
        try {
            plane.close();
        } finally {
            blocking.shutdownNow();
            ManagementSocket.delete(managementSocket);
        }
    }
}
