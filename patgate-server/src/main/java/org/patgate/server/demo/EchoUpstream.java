package org.patgate.server.demo;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.patgate.server.http.Json;

/**
 * The demo's upstream: a tiny HTTP server on a loopback port that answers every request with
 * JSON describing what it received (method, path, query, headers, body size), so a user sees
 * exactly what PATgate forwards — the identity header included, the token never.
 */
public final class EchoUpstream implements AutoCloseable {

    private final Server server;
    private final ServerConnector connector;

    private EchoUpstream(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    public static EchoUpstream start() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new EchoHandler());
        server.start();
        return new EchoUpstream(server, connector);
    }

    public String url() {
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static final class EchoHandler extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            long bodyBytes = 0;
            try (InputStream in = Content.Source.asInputStream(request)) {
                byte[] buffer = new byte[8192];
                for (int read; (read = in.read(buffer)) >= 0; ) {
                    bodyBytes += read;
                }
            }
            Map<String, Object> headers = new LinkedHashMap<>();
            for (HttpField field : request.getHeaders()) {
                headers.merge(field.getName(), field.getValue(), (a, b) -> a + ", " + b);
            }
            Map<String, Object> echo = new LinkedHashMap<>();
            echo.put("upstream", "patgate demo echo");
            echo.put("method", request.getMethod());
            echo.put("path", request.getHttpURI().getPath());
            echo.put("query", request.getHttpURI().getQuery());
            echo.put("identity", request.getHeaders().get("X-Forwarded-User"));
            echo.put("headers", headers);
            echo.put("bodyBytes", bodyBytes);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            byte[] body = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(echo);
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
        }
    }
}
