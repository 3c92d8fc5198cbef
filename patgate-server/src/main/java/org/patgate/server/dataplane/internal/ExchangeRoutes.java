package org.patgate.server.dataplane.internal;

import io.netty.handler.codec.http.HttpRequest;
import org.patgate.server.gateway.ExternalCheckHandler;
import org.patgate.server.gateway.ReservedPaths;

/**
 * Which exchange takes a client connection's request, by its raw path: a proxy's check request
 * ({@code /.patgate/check}) is answered by the plane itself ({@link CheckExchange}), PATgate's other
 * own paths go through the connection's {@link ManagementRelay} (opened at the first of them, kept for
 * the next), and everything else through the gateway to the upstream ({@link GatewayExchange}). One per
 * client connection; on its event loop only.
 */
final class ExchangeRoutes {

    private final ClientConnection connection;
    private final PlaneContext plane;
    private ManagementRelay relay;

    ExchangeRoutes(ClientConnection connection, PlaneContext plane) {
        this.connection = connection;
        this.plane = plane;
    }

    /**
     * The exchange for one request, and how to start it: the connection makes it its current exchange
     * first, since starting may answer (and end it) at once.
     */
    record Route(Exchange exchange, Runnable start) {}

    /** The route of {@code request}, whose raw path is {@code rawPath}. */
    Route route(HttpRequest request, String rawPath) {
        if (ExternalCheckHandler.isCheck(rawPath)) {
            // Decided here, without the relay's extra hop.
            CheckExchange check = new CheckExchange(connection, plane);
            return new Route(check, () -> check.start(request, rawPath));
        }
        if (ReservedPaths.isReserved(rawPath)) {
            if (relay == null) {
                relay = new ManagementRelay(connection, plane);
            }
            ManagementRelay current = relay;
            return new Route(current, () -> current.start(request));
        }
        GatewayExchange gateway = new GatewayExchange(connection, plane, request, rawPath);
        return new Route(gateway, gateway::start);
    }

    /** The client connection is done: so is its relay connection, if it has one. */
    void close() {
        if (relay != null) {
            relay.close();
        }
    }
}
