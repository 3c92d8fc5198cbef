package org.patgate.server.app;

import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import org.eclipse.jetty.server.ServerConnector;
import org.patgate.core.PatgateException;

/**
 * Binds the listening socket before anything else happens at start, so a node that cannot serve
 * fails before it writes anything (data directory, pepper, database, bootstrap admin). Failures
 * become one line that names the key to change.
 */
final class ListenSocket {

    private ListenSocket() {}

    /** Opens (binds) {@code connector} without starting it; closes it again when that fails. */
    static void bind(ServerConnector connector) {
        String host = connector.getHost();
        int port = connector.getPort();
        try {
            connector.open();
        } catch (IOException | UnresolvedAddressException e) {
            connector.close();
            throw describe(host, port, e);
        }
    }

    /**
     * Checks that {@code host:port} can be bound, and lets it go again: for a listener that binds only
     * once everything behind it is ready (the Netty data plane). With port 0 only the address is
     * checked.
     */
    static void probe(String host, int port) {
        try (java.nio.channels.ServerSocketChannel channel = java.nio.channels.ServerSocketChannel.open()) {
            channel.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new java.net.InetSocketAddress(host, port));
        } catch (IOException | UnresolvedAddressException e) {
            throw describe(host, port, e);
        }
    }

    /** Jetty wraps the socket's own exception ("Failed to bind to ..."); the cause says why. */
    private static PatgateException describe(String host, int port, Exception e) {
        Throwable cause = e;
        while (!(cause instanceof SocketException || cause instanceof UnresolvedAddressException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof UnresolvedAddressException) {
            return new PatgateException(
                    "listen.host " + host + " cannot be resolved; set listen.host or"
                            + " PATGATE_LISTEN_HOST to an address of this machine",
                    e);
        }
        String reason = cause.getMessage() == null ? "" : cause.getMessage().toLowerCase(Locale.ROOT);
        if (reason.contains("in use")) {
            return new PortInUseException(port, e);
        }
        if (reason.contains("assign") || reason.contains("not available")) {
            return new PatgateException(
                    "listen.host " + host + " is not an address of this machine; set listen.host"
                            + " or PATGATE_LISTEN_HOST (127.0.0.1 for this machine only, 0.0.0.0 for all interfaces)",
                    e);
        }
        if (reason.contains("permission") || reason.contains("access")) {
            return new PatgateException(
                    "port " + port + " needs privileges this process lacks; set listen.port or"
                            + " PATGATE_LISTEN_PORT to 1024 or above",
                    e);
        }
        return new PatgateException("cannot listen on " + host + ":" + port + ": " + cause.getMessage(), e);
    }
}
