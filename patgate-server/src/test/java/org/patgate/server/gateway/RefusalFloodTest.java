package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.SlowUploads;
import org.patgate.server.testing.TestServer;

/**
 * Refused requests never wear out the connection they arrive on: a thousand refusals (with and without
 * bodies, with and without a content length, small and above the drain limit, from the gateway, the
 * management API, the form inspection and the not-found handler) interleaved with allowed requests,
 * all on one HTTP/2 connection, and every one is answered with its status and no stream is reset.
 * Jetty resets a stream whose handler completes with the body unread and counts each reset against
 * the connection's frame rate (128 a second), so unread refused bodies closed the whole connection
 * (GOAWAY ENHANCE_YOUR_CALM); a few hundred of one kind in a row show which answers leave bodies
 * unread. Over HTTP/1.1 keep-alive no refusal may close the connection.
 */
@EndToEndTest
class RefusalFloodTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

    /** Requests on the one connection. */
    private static final int REQUESTS = 1_000;
    /** Requests in flight at once on it. */
    private static final int BATCH = 20;
    /** Above the gateway's 64 KiB drain limit. */
    private static final int LARGE = 100 * 1024;

    static HTTP2Client client;

    /** How streams ended without an answer, for the failure message. */
    static final java.util.Queue<String> ENDINGS = new java.util.concurrent.ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() throws Exception {
        client = new HTTP2Client();
        client.start();
    }

    @AfterAll
    static void stop() throws Exception {
        client.stop();
    }

    private static final String ALICE = TestServer.basic("alice", RunningGateway.ALICE_PASSWORD);

    /** One kind of request and the status it must get. */
    record Kind(
            String name,
            String method,
            String path,
            String token,
            int body,
            boolean withLength,
            int status,
            Map<String, String> headers) {

        Kind(String name, String method, String path, String token, int body, boolean withLength, int status) {
            this(name, method, path, token, body, withLength, status, Map.of("Content-Type", "application/json"));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static List<Kind> kinds() {
        return List.of(
                new Kind("allowed GET", "GET", "/rest/api/2/myself", gw.readOnly(), -1, false, 200),
                new Kind("read-only POST, no body", "POST", "/rest/api/2/issue", gw.readOnly(), -1, false, 403),
                new Kind("read-only POST, small body", "POST", "/rest/api/2/issue", gw.readOnly(), 300, true, 403),
                new Kind(
                        "read-only POST, small body, no length",
                        "POST",
                        "/rest/api/2/issue",
                        gw.readOnly(),
                        300,
                        false,
                        403),
                new Kind("read-only POST, large body", "POST", "/rest/api/2/issue", gw.readOnly(), LARGE, true, 403),
                new Kind(
                        "read-only POST, large body, no length",
                        "POST",
                        "/rest/api/2/issue",
                        gw.readOnly(),
                        LARGE,
                        false,
                        403),
                new Kind("bad token POST, small body, no length", "POST", "/rest/api/2/issue", "nope", 300, false, 401),
                new Kind("allowed POST, small body", "POST", "/rest/api/2/issue", gw.readWrite(), 300, true, 200),
                new Kind("API POST without login", "POST", "/.patgate/api/v1/tokens", null, 300, false, 401),
                new Kind("API POST large without login", "POST", "/.patgate/api/v1/tokens", null, LARGE, true, 401),
                new Kind(
                        "API POST large, no length, without login",
                        "POST",
                        "/.patgate/api/v1/tokens",
                        null,
                        LARGE,
                        false,
                        401),
                new Kind(
                        "compressed form POST, large, no length",
                        "POST",
                        "/rest/api/2/issue",
                        gw.readWrite(),
                        LARGE,
                        false,
                        415,
                        Map.of("Content-Type", "application/x-www-form-urlencoded", "Content-Encoding", "gzip")),
                new Kind("API POST too large", "POST", "/.patgate/api/v1/tokens", ALICE, LARGE, true, 413),
                new Kind("API POST too large, no length", "POST", "/.patgate/api/v1/tokens", ALICE, LARGE, false, 413),
                new Kind("not found POST, large, no length", "POST", "/.patgate/nothing", null, LARGE, false, 404),
                new Kind(
                        "UI form POST without a session",
                        "POST",
                        "/.patgate/tokens",
                        null,
                        300,
                        true,
                        403,
                        Map.of("Content-Type", "application/x-www-form-urlencoded")),
                new Kind(
                        "UI form POST without a session, no length",
                        "POST",
                        "/.patgate/tokens",
                        null,
                        300,
                        false,
                        403,
                        Map.of("Content-Type", "application/x-www-form-urlencoded")));
    }

    static List<Kind> eachKind() {
        return kinds();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eachKind")
    void threeHundredOfOneKindOnOneHttp2ConnectionAreEachAnswered(Kind kind) throws Exception {
        flood(List.of(kind), 300);
    }

    @Test
    void aThousandMixedRequestsOnOneHttp2ConnectionAreEachAnswered() throws Exception {
        flood(kinds(), REQUESTS);
    }

    /**
     * The client may still open new connections on its own (Jetty's client does after some 401s); what
     * is checked is that no answer tells it to.
     */
    @Test
    void aThousandMixedRequestsOnOneHttp1KeepAliveConnectionAreEachAnswered() throws Exception {
        HttpClient http1 = new HttpClient(new HttpClientTransportOverHTTP());
        http1.setMaxConnectionsPerDestination(1);
        http1.start();
        try {
            List<Kind> kinds = kinds();
            List<String> wrong = new ArrayList<>();
            List<String> closed = new ArrayList<>();
            for (int i = 0; i < REQUESTS && wrong.isEmpty(); i++) {
                Kind kind = kinds.get(i % kinds.size());
                org.eclipse.jetty.client.Request request = http1.newRequest(
                                gw.base().resolve(kind.path()))
                        .method(kind.method())
                        .timeout(10, TimeUnit.SECONDS);
                if (kind.token() != null) {
                    request.headers(h -> h.put("Authorization", authorization(kind)));
                }
                if (kind.body() >= 0) {
                    request.headers(h -> kind.headers().forEach(h::put));
                }
                if (kind.body() >= 0) {
                    byte[] body = body(kind.body());
                    request.body(
                            kind.withLength()
                                    ? new BytesRequestContent(kind.headers().get("Content-Type"), body)
                                    : new InputStreamRequestContent(
                                            kind.headers().get("Content-Type"),
                                            new java.io.ByteArrayInputStream(body)));
                }
                int status;
                try {
                    ContentResponse response = request.send();
                    status = response.getStatus();
                    if (response.getHeaders().contains(HttpHeader.CONNECTION, "close")) {
                        closed.add("#" + i + " " + kind.name());
                    }
                } catch (ExecutionException | TimeoutException e) {
                    status = SlowUploads.CLOSED;
                }
                if (status != kind.status()) {
                    wrong.add("#" + i + " " + kind.name() + ": " + status);
                }
            }
            assertThat(wrong).isEmpty();
            assertThat(closed).as("answers that close the connection").isEmpty();
        } finally {
            http1.stop();
        }
    }

    private static String authorization(Kind kind) {
        return kind.token().startsWith("Basic ") ? kind.token() : "Bearer " + kind.token();
    }

    private static byte[] body(int length) {
        byte[] body = new byte[length];
        java.util.Arrays.fill(body, (byte) 'x');
        return body;
    }

    private static void flood(List<Kind> kinds, int requests) throws Exception {
        ENDINGS.clear();
        Session session = SlowUploads.connect(client, gw.base());
        List<String> wrong = new ArrayList<>();
        for (int first = 0; first < requests; first += BATCH) {
            List<Sent> sent = new ArrayList<>();
            for (int i = first; i < first + BATCH; i++) {
                sent.add(send(session, gw.base(), kinds.get(i % kinds.size())));
            }
            for (int i = first; i < first + BATCH; i++) {
                Kind kind = kinds.get(i % kinds.size());
                int status;
                try {
                    status = sent.get(i - first).status().get(10, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    status = SlowUploads.NOT_ANSWERED;
                }
                if (status != kind.status()) {
                    wrong.add("#" + i + " " + kind.name() + ": " + status);
                }
            }
            // An answered stream still open (its body not all sent, or the answer never ended) would pile
            // up against the connection's stream limit; each one must close before the next batch.
            for (int i = first; i < first + BATCH; i++) {
                try {
                    sent.get(i - first).closed().get(30, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    wrong.add("#" + i + " " + kinds.get(i % kinds.size()).name() + ": stream never closed");
                }
            }
            assertThat(wrong)
                    .as("requests answered wrongly, up to #%d; %s", first + BATCH - 1, ENDINGS)
                    .isEmpty();
        }
        assertThat(ENDINGS).isEmpty();
        assertThat(session.isClosed()).as("the connection is still open").isFalse();
        session.close(0, "done", Callback.NOOP);
    }

    /** A stream sent: its status (or CLOSED when reset without one), and when it closed at both ends. */
    record Sent(CompletableFuture<Integer> status, CompletableFuture<Void> closed) {}

    /** Sends {@code kind} as a new stream. */
    static Sent send(Session session, URI base, Kind kind) throws Exception {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        HttpFields.Mutable headers = HttpFields.build();
        if (kind.token() != null) {
            headers.put("Authorization", authorization(kind));
        }
        if (kind.body() >= 0) {
            kind.headers().forEach(headers::put);
            if (kind.withLength()) {
                headers.put("Content-Length", Integer.toString(kind.body()));
            }
        }
        MetaData.Request request = new MetaData.Request(
                kind.method(), HttpURI.from(base.resolve(kind.path()).toString()), HttpVersion.HTTP_2, headers);
        Stream stream = session.newStream(new HeadersFrame(request, null, kind.body() < 0), new Stream.Listener() {
                    @Override
                    public void onHeaders(Stream stream, HeadersFrame frame) {
                        if (frame.getMetaData() instanceof MetaData.Response response) {
                            status.complete(response.getStatus());
                        }
                        stream.demand();
                    }

                    @Override
                    public void onDataAvailable(Stream stream) {
                        Stream.Data data = stream.readData();
                        if (data != null) {
                            data.release();
                            if (data.frame().isEndStream()) {
                                return;
                            }
                        }
                        stream.demand();
                    }

                    @Override
                    public void onClosed(Stream stream) {
                        closed.complete(null);
                    }

                    @Override
                    public void onReset(Stream stream, ResetFrame frame, Callback callback) {
                        ENDINGS.add("reset " + frame.getError());
                        closed.complete(null);
                        status.complete(SlowUploads.CLOSED);
                        callback.succeeded();
                    }

                    @Override
                    public void onFailure(
                            Stream stream, int error, String reason, Throwable failure, Callback callback) {
                        ENDINGS.add("failure " + error + " " + reason + " " + failure);
                        closed.complete(null);
                        status.complete(SlowUploads.CLOSED);
                        callback.succeeded();
                    }
                })
                .get(10, TimeUnit.SECONDS);
        if (kind.body() >= 0) {
            byte[] body = body(kind.body());
            // Not waited for: the answer may come, and the stream end, before all of a large body is sent.
            stream.data(new DataFrame(stream.getId(), ByteBuffer.wrap(body), true), Callback.NOOP);
        }
        return new Sent(status, closed);
    }
}
