package org.patgate.server.testing;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.util.Callback;

/**
 * One HTTP/2 request over cleartext prior knowledge (h2c), with the method and {@code :path}
 * exactly as given — lower-case methods, raw spaces or quotes in the query — which the high-level
 * clients normalise or refuse. Bounded by timeouts; one client per call.
 */
public final class RawHttp2 implements AutoCloseable {

    private final HTTP2Client client;
    private final Session session;
    private final URI base;

    private RawHttp2(URI base, HTTP2Client client, Session session) {
        this.base = base;
        this.client = client;
        this.session = session;
    }

    /** The status and headers of the answer; status 0 with {@code reset} when the stream was reset. */
    public record Answer(int status, HttpFields headers, boolean reset) {}

    /** One connection for many requests (each on its own stream). */
    public static RawHttp2 connect(URI base) {
        HTTP2Client client = new HTTP2Client();
        try {
            client.start();
            Session session = client.connect(
                            new InetSocketAddress(base.getHost(), base.getPort()), new Session.Listener() {})
                    .get(5, TimeUnit.SECONDS);
            return new RawHttp2(base, client, session);
        } catch (Exception e) {
            stop(client);
            throw new AssertionError("HTTP/2 connection to " + base + " failed: " + e, e);
        }
    }

    /** One request on a connection of its own. */
    public static Answer send(URI base, String method, String pathAndQuery, Map<String, String> headers, String body) {
        try (RawHttp2 http2 = connect(base)) {
            return http2.send(method, pathAndQuery, headers, body);
        }
    }

    public Answer send(String method, String pathAndQuery, Map<String, String> headers, String body) {
        return exchange(method, pathAndQuery, headers, body, false, Duration.ZERO);
    }

    /**
     * As {@link #send}, but waits for the answer's end: {@code reset} is true when the stream was reset
     * at any point before it ended cleanly, even after the response headers arrived. The body is sent
     * {@code bodyDelay} after the headers (a slow client's body still on its way).
     */
    public Answer sendToTheEnd(
            String method, String pathAndQuery, Map<String, String> headers, String body, Duration bodyDelay) {
        return exchange(method, pathAndQuery, headers, body, true, bodyDelay);
    }

    private Answer exchange(
            String method,
            String pathAndQuery,
            Map<String, String> headers,
            String body,
            boolean toTheEnd,
            Duration bodyDelay) {
        try {
            HttpFields.Mutable fields = HttpFields.build();
            headers.forEach(fields::add);
            MetaData.Request request = new MetaData.Request(
                    method,
                    HttpURI.build()
                            .scheme("http")
                            .host(base.getHost())
                            .port(base.getPort())
                            .pathQuery(pathAndQuery),
                    HttpVersion.HTTP_2,
                    fields);
            CompletableFuture<Answer> answer = new CompletableFuture<>();
            CompletableFuture<Boolean> ended = new CompletableFuture<>();
            Stream stream = session.newStream(new HeadersFrame(request, null, body == null), new Stream.Listener() {
                        @Override
                        public void onHeaders(Stream stream, HeadersFrame frame) {
                            if (frame.getMetaData() instanceof MetaData.Response response) {
                                answer.complete(new Answer(response.getStatus(), response.getHttpFields(), false));
                            }
                            if (frame.isEndStream()) {
                                ended.complete(true);
                            }
                            stream.demand();
                        }

                        @Override
                        public void onDataAvailable(Stream stream) {
                            Stream.Data data = stream.readData();
                            if (data != null) {
                                data.release();
                                if (data.frame().isEndStream()) {
                                    ended.complete(true);
                                }
                            }
                            if (data == null || !data.frame().isEndStream()) {
                                stream.demand();
                            }
                        }

                        @Override
                        public void onReset(Stream stream, ResetFrame frame, Callback callback) {
                            answer.complete(new Answer(0, HttpFields.EMPTY, true));
                            ended.complete(false);
                            callback.succeeded();
                        }
                    })
                    .get(5, TimeUnit.SECONDS);
            if (body != null) {
                Thread.sleep(bodyDelay.toMillis());
                stream.data(
                        new DataFrame(stream.getId(), ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), true));
            }
            Answer headersAnswer = answer.get(10, TimeUnit.SECONDS);
            if (!toTheEnd) {
                return headersAnswer;
            }
            boolean clean = ended.get(10, TimeUnit.SECONDS);
            // A reset after the end of the answer is harmless; one before it is what clients report.
            return new Answer(headersAnswer.status(), headersAnswer.headers(), !clean || headersAnswer.reset());
        } catch (Exception e) {
            throw new AssertionError("HTTP/2 " + method + " " + pathAndQuery + " failed: " + e, e);
        }
    }

    @Override
    public void close() {
        stop(client);
    }

    private static void stop(HTTP2Client client) {
        try {
            client.stop();
        } catch (Exception ignored) {
            // best effort: the test is over
        }
    }
}
