package org.patgate.server.app;

import java.nio.file.Path;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.patgate.server.config.PatgateConfig;

/**
 * The Jetty server of a node: on the Jetty data plane it listens on {@code listen.host:port} for
 * everything; behind the Netty data plane it serves PATgate's own pages on a private Unix domain socket.
 */
final class JettyServer {

    private JettyServer() {}

    /** The HTTP server: one connector for HTTP/1.1 and h2c, problem+json errors, bounded stop. */
    static Server create(PatgateConfig config, Path managementSocket) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("patgate");
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        if (managementSocket != null) {
            jetty.addConnector(ManagementSocket.connector(jetty, http, managementSocket));
            jetty.setErrorHandler(new ProblemErrorHandler());
            jetty.setStopTimeout(5_000);
            return jetty;
        }
        // HTTP/1.1 and cleartext HTTP/2 (h2c, by upgrade or prior knowledge) on the same port.
        ServerConnector connector =
                new ServerConnector(jetty, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
        connector.setHost(config.listen().host());
        connector.setPort(config.listen().port());
        // Java's default backlog is 50: a flood of new connections would make every other client's
        // connect wait for SYN retransmits (1 s, 3 s, 7 s). The kernel caps this at somaxconn.
        connector.setAcceptQueueSize(4096);
        jetty.addConnector(connector);
        jetty.setErrorHandler(new ProblemErrorHandler());
        jetty.setStopTimeout(5_000);
        return jetty;
    }
}
