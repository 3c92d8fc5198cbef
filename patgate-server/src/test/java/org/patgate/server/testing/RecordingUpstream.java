package org.patgate.server.testing;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The upstream application in gateway tests: a real HTTP server on a loopback port that records
 * everything it receives (method, raw path, query, every header, body size) and answers 200. Tests
 * assert on what it saw — and, for denied requests, that it saw nothing. Lenient URI compliance,
 * so it records exactly what arrives rather than refusing it.
 *
 * <p>{@code /test/slow} answers after 3 s; {@code /test/held} answers when the test calls
 * {@link #releaseHeld()} (at most 10 s later), so a test holding exchanges open waits for nothing
 * but itself.
 */
public final class RecordingUpstream implements AutoCloseable {

    /** One request as the upstream received it. */
    public record Received(String method, String path, String query, List<HttpField> headers, long bodyBytes) {
        public List<String> header(String name) {
            return headers.stream()
                    .filter(f -> f.getName().equalsIgnoreCase(name))
                    .map(HttpField::getValue)
                    .toList();
        }

        public List<String> headerNames() {
            return headers.stream().map(HttpField::getName).toList();
        }
    }

    private final Server server;
    private final ServerConnector connector;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch held = new CountDownLatch(1);

    public RecordingUpstream() throws Exception {
        server = new Server();
        HttpConfiguration config = new HttpConfiguration();
        config.setUriCompliance(UriCompliance.UNSAFE);
        connector = new ServerConnector(server, new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                // Taken before the request is recorded: a release after a test saw it recorded lets it go.
                CountDownLatch gate = held;
                long bytes = 0;
                try (InputStream in = Content.Source.asInputStream(request)) {
                    byte[] buffer = new byte[65536];
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        bytes += n;
                    }
                }
                List<HttpField> headers = new ArrayList<>();
                request.getHeaders().forEach(headers::add);
                received.add(new Received(
                        request.getMethod(),
                        request.getHttpURI().getPath(),
                        request.getHttpURI().getQuery(),
                        headers,
                        bytes));
                String path = request.getHttpURI().getPath();
                if (path.startsWith("/test/slow")) {
                    Thread.sleep(3_000);
                } else if (path.startsWith("/test/held")) {
                    // Bounded, so a test that fails before its release cannot hang the upstream's threads.
                    gate.await(10, TimeUnit.SECONDS);
                } else if (path.startsWith("/test/redirect")) {
                    response.setStatus(302);
                    response.getHeaders().put(HttpHeader.LOCATION, "/secure/Dashboard.jspa?from=redirect");
                    response.getHeaders().add(HttpHeader.SET_COOKIE, "JSESSIONID=abc123; Path=/; HttpOnly");
                    response.getHeaders().add(HttpHeader.SET_COOKIE, "atlassian.xsrf.token=xyz; Path=/");
                    callback.succeeded();
                    return true;
                } else if (path.startsWith("/test/download/")) {
                    stream(Long.parseLong(path.substring("/test/download/".length())), response, callback);
                    return true;
                } else if (path.startsWith("/test/echo-bytes")) {
                    response.getHeaders().put("X-Received-Bytes", Long.toString(bytes));
                }
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.write(
                        true, ByteBuffer.wrap("{\"upstream\":\"ok\"}".getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        server.start();
    }

    /** Streams {@code total} bytes without holding them: the client sees a body that never fit in memory. */
    private static void stream(long total, Response response, Callback callback) throws Exception {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, total);
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            for (long sent = 0; sent < total; ) {
                int n = (int) Math.min(chunk.length, total - sent);
                out.write(chunk, 0, n);
                sent += n;
            }
        }
        callback.succeeded();
    }

    public String url() {
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public Received last() {
        if (received.isEmpty()) {
            throw new AssertionError("the upstream received nothing");
        }
        return received.getLast();
    }

    /**
     * Answers every {@code /test/held} request recorded so far; later ones wait for the next release.
     */
    public void releaseHeld() {
        CountDownLatch waiting = held;
        held = new CountDownLatch(1);
        waiting.countDown();
    }

    public void clear() {
        received.clear();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
