package org.patgate.server.dataplane;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;
import org.patgate.server.config.LimitsConfig;
import org.patgate.server.config.ListenConfig;
import org.patgate.server.gateway.ExchangeBudget;
import org.patgate.server.gateway.GatewayGate;

/**
 * A Netty data plane on a loopback ephemeral port in front of {@code upstream}, with a small Jetty
 * server on a Unix domain socket behind it standing in for PATgate's own server: it answers every
 * {@code /.patgate/…} request with the client address it sees (through the PROXY protocol header).
 */
final class DataPlaneNode implements AutoCloseable {

    private final Server management;
    private final NettyDataPlane plane;
    private final Path socketDir;

    DataPlaneNode(String upstream, Duration readTimeout, LimitsConfig limits) throws Exception {
        this(upstream, readTimeout, limits, ListenConfig.Transport.AUTO);
    }

    DataPlaneNode(String upstream, Duration readTimeout, LimitsConfig limits, ListenConfig.Transport transport)
            throws Exception {
        socketDir = Files.createTempDirectory("patgate-dp");
        Path socket = socketDir.resolve("management.sock");
        management = new Server();
        HttpConnectionFactory http = new HttpConnectionFactory();
        UnixDomainServerConnector connector = new UnixDomainServerConnector(
                management, new ConnectionFactory[] {new ProxyConnectionFactory(http.getProtocol()), http});
        connector.setUnixDomainPath(socket);
        management.addConnector(connector);
        management.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                String seen = request.getConnectionMetaData().getRemoteSocketAddress() + " "
                        + request.getHttpURI().getPath();
                response.write(true, ByteBuffer.wrap(seen.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        management.start();
        NettyDataPlane.Settings settings = new NettyDataPlane.Settings(
                "127.0.0.1",
                0,
                transport,
                URI.create(upstream),
                Duration.ofSeconds(2),
                readTimeout,
                limits,
                NettyDataPlane.Settings.MAX_INITIAL_LINE,
                NettyDataPlane.Settings.MAX_HEADER_SIZE,
                NettyDataPlane.Settings.CLIENT_IDLE);
        plane = NettyDataPlane.start(settings, new GatewayGate(), new ExchangeBudget(limits), socket);
    }

    DataPlaneNode(String upstream) throws Exception {
        this(upstream, Duration.ofSeconds(10), LimitsConfig.defaults());
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + plane.port());
    }

    NettyDataPlane plane() {
        return plane;
    }

    @Override
    public void close() throws Exception {
        plane.close();
        management.stop();
        try (var files = Files.list(socketDir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(socketDir);
    }
}
