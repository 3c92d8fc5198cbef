package org.patgate.server.dataplane;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;
import org.patgate.core.net.IpRangeSet;
import org.patgate.server.app.GateForTests;
import org.patgate.server.gateway.ExternalCheck;
import org.patgate.server.testing.FileTrees;

/**
 * A Netty data plane on a loopback ephemeral port in front of {@code upstream}, deciding with the
 * node's real {@code GatewayGate} (configured by {@code env}, {@code PATGATE_*} as for a node), with
 * a small Jetty server on a Unix domain socket behind it standing in for PATgate's own server: it
 * answers every {@code /.patgate/…} request with the client address it sees (through the PROXY
 * protocol header) and the path.
 */
final class DataPlaneNode implements AutoCloseable {

    private final Path dir;
    private final GateForTests gate;
    private final Server management;
    private final NettyDataPlane plane;

    DataPlaneNode(String upstream, Map<String, String> env) throws Exception {
        dir = Files.createTempDirectory("patgate-dp");
        Path socket = dir.resolve("management.sock");
        Map<String, String> all = new HashMap<>();
        all.put("PATGATE_LISTEN_HOST", "127.0.0.1");
        all.put("PATGATE_LISTEN_PORT", "0");
        all.put("PATGATE_LISTEN_DATAPLANE", "netty");
        all.putAll(env);
        gate = GateForTests.start(dir, upstream, all);
        management = new Server();
        HttpConnectionFactory http = new HttpConnectionFactory();
        UnixDomainServerConnector connector = new UnixDomainServerConnector(
                management, new ConnectionFactory[] {new ProxyConnectionFactory(http.getProtocol()), http});
        connector.setUnixDomainPath(socket);
        management.addConnector(connector);
        management.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Content.Source.consumeAll(request);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                String seen = request.getConnectionMetaData().getRemoteSocketAddress() + " "
                        + request.getHttpURI().getPath();
                response.write(true, ByteBuffer.wrap(seen.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        management.start();
        plane = NettyDataPlane.start(
                NettyDataPlane.Settings.from(gate.config()),
                gate.gate(),
                new ExternalCheck(
                        gate.gate(),
                        IpRangeSet.of(gate.config().trustedProxies()),
                        gate.config().identity().header()),
                gate.budget(),
                socket);
        gate.verifier().onInvalidation(plane.upgrades()::decideAllNow);
    }

    DataPlaneNode(String upstream) throws Exception {
        this(upstream, Map.of());
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + plane.port());
    }

    /** A new token of the node's admin. */
    String token(org.patgate.core.token.Scope scope) {
        return gate.issueToken(scope);
    }

    /** Revokes a token {@link #token} made, as the management API does. */
    void revoke(String token) {
        gate.revokeToken(token);
    }

    NettyDataPlane plane() {
        return plane;
    }

    @Override
    public void close() throws Exception {
        try {
            plane.close();
            management.stop();
            gate.close();
        } finally {
            FileTrees.deleteQuietly(dir);
        }
    }
}
