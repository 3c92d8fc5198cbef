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
     * Makes the exchange for {@code request} (whose raw path is {@code rawPath}) the connection's
     * current one, then starts it: starting may answer, and end it, at once.
     */
    void start(HttpRequest request, String rawPath) {
        if (ExternalCheckHandler.isCheck(rawPath)) {
            // Decided here, without the relay's extra hop.
            CheckExchange check = new CheckExchange(connection, plane);
            connection.current(check);
            check.start(request, rawPath);
        } else if (ReservedPaths.isReserved(rawPath)) {
            if (relay == null) {
                relay = new ManagementRelay(connection, plane);
            }
            connection.current(relay);
            relay.start(request);
        } else {
            GatewayExchange gateway = new GatewayExchange(connection, plane, request, rawPath);
            connection.current(gateway);
            gateway.start();
        }
    }

    /** The client connection is done: so is its relay connection, if it has one. */
    void close() {
        if (relay != null) {
            relay.close();
        }
    }
}
