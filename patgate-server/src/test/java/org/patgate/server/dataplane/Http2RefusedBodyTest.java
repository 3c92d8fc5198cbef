package org.patgate.server.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patgate.core.token.Scope;
import org.patgate.server.testing.Http2FrameClient;
import org.patgate.server.testing.RecordingUpstream;

/**
 * An HTTP/2 stream refused while its body is still on its way is answered in full and its body read
 * and dropped to the client's end of stream, never reset: many such streams at once, each larger
 * than a stream's flow-control window, leave the connection usable, and nothing reaches the upstream.
 * That holds for the first streams of a new connection too, whose bodies wait unread while a new
 * token's first decision is made and may arrive before the client acknowledged the settings.
 */
class Http2RefusedBodyTest {

    /** Larger than a stream's receive window (512 KiB): the client needs window updates to send it all. */
    private static final int LARGE = 600 * 1024;

    private static RecordingUpstream upstream;
    private static DataPlaneNode node;
    private static HTTP2Client client;

    @BeforeAll
    static void start() throws Exception {
        upstream = new RecordingUpstream();
        node = new DataPlaneNode(upstream.url());
        client = new HTTP2Client();
        client.start();
    }

    @AfterAll
    static void stop() throws Exception {
        client.stop();
        node.close();
        upstream.close();
    }

    /** How one stream ended: its status, whether it was reset, and whether the client sent its whole body. */
    record Ending(int status, String reset, boolean bodySent) {}

    @Test
    void manyRefusedLargeBodiesAreAnsweredAndDrainedWithoutResets() throws Exception {
        int forwarded = upstream.received().size();
        String readOnly = "Bearer " + node.token(Scope.READ_ONLY);
        // On a new connection, with a new token: the first batch's decisions are made off the event loop
        // (nothing cached yet) while the bodies arrive unread, and before the client has acknowledged the
        // settings; the later batches are decided at once.
        Session session = connect();
        List<Ending> endings = new ArrayList<>();
        for (int batch = 0; batch < 4; batch++) {
            List<CompletableFuture<Ending>> streams = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                streams.add(send(session, "POST", "/rest/api/2/issue", readOnly, LARGE));
            }
            for (CompletableFuture<Ending> stream : streams) {
                endings.add(stream.get(20, TimeUnit.SECONDS));
            }
        }

        assertThat(endings).allSatisfy(ending -> {
            assertThat(ending.status()).isEqualTo(403);
            assertThat(ending.reset()).isNull();
            assertThat(ending.bodySent()).isTrue();
        });
        assertThat(session.isClosed()).isFalse();
        // The same connection still forwards.
        Ending allowed =
                send(session, "GET", "/rest/api/2/myself", readOnly, -1).get(20, TimeUnit.SECONDS);
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(upstream.received()).hasSize(forwarded + 1);
        session.close(0, "done", Callback.NOOP);
    }

    /**
     * A client may use the stream window the server's settings announce before it acknowledges them.
     * Its body, unread while the token's first decision is made off the event loop, is within that
     * window and is never taken for a flow-control violation: the refusal is answered, not reset.
     */
    @Test
    void aBodySentBeforeTheSettingsAckWithinTheAnnouncedWindowIsAnswered() {
        int forwarded = upstream.received().size();
        List<String> outcomes = new ArrayList<>();
        for (int connection = 0; connection < 10; connection++) {
            String fresh = node.token(Scope.READ_ONLY); // never seen: its decision needs the store
            List<Map.Entry<String, String>> fields = List.of(
                    Map.entry(":method", "POST"),
                    Map.entry(":scheme", "http"),
                    Map.entry(":authority", "127.0.0.1:" + node.base().getPort()),
                    Map.entry(":path", "/rest/api/2/issue"),
                    Map.entry("content-type", "application/json"),
                    Map.entry("authorization", "Bearer " + fresh));
            outcomes.add(Http2FrameClient.sendBodyBeforeSettingsAck(node.base(), fields, 400 * 1024)
                    .toString());
        }

        assertThat(outcomes).containsOnly("403");
        assertThat(upstream.received()).hasSize(forwarded);
    }

    @Test
    void aRefusedBodyAboveTheDrainLimitEndsWithAResetWithoutError() throws Exception {
        Session session = connect();
        int huge = 3 << 20; // three times the 1 MiB a refused body is drained to
        Ending ending = send(session, "POST", "/rest/api/2/issue", "Bearer pat_notatoken", huge)
                .get(20, TimeUnit.SECONDS);

        assertThat(ending.status()).isEqualTo(401);
        assertThat(ending.reset()).isEqualTo("0"); // NO_ERROR: the answer stands (RFC 9113 §8.1)
        assertThat(session.isClosed()).isFalse();
        session.close(0, "done", Callback.NOOP);
    }

    private static Session connect() throws Exception {
        return client.connect(
                        new InetSocketAddress(node.base().getHost(), node.base().getPort()), new Session.Listener() {})
                .get(5, TimeUnit.SECONDS);
    }

    /** Sends one request (a body of {@code body} bytes unless negative); completes when the stream is over. */
    private static CompletableFuture<Ending> send(Session session, String method, String path, String auth, int body)
            throws Exception {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        CompletableFuture<String> ended = new CompletableFuture<>();
        CompletableFuture<String> reset = new CompletableFuture<>();
        HttpFields.Mutable headers = HttpFields.build().put("Authorization", auth);
        if (body >= 0) {
            headers.put("Content-Type", "application/json");
        }
        MetaData.Request request = new MetaData.Request(
                method, HttpURI.from(node.base().resolve(path).toString()), HttpVersion.HTTP_2, headers);
        Stream stream = session.newStream(new HeadersFrame(request, null, body < 0), new Stream.Listener() {
                    @Override
                    public void onHeaders(Stream stream, HeadersFrame frame) {
                        if (frame.getMetaData() instanceof MetaData.Response response) {
                            status.complete(response.getStatus());
                        }
                        if (frame.isEndStream()) {
                            ended.complete("");
                        }
                        stream.demand();
                    }

                    @Override
                    public void onDataAvailable(Stream stream) {
                        Stream.Data data = stream.readData();
                        if (data != null) {
                            data.release();
                            if (data.frame().isEndStream()) {
                                ended.complete("");
                                return;
                            }
                        }
                        stream.demand();
                    }

                    @Override
                    public void onReset(Stream stream, ResetFrame frame, Callback callback) {
                        status.complete(0);
                        reset.complete(Integer.toString(frame.getError()));
                        ended.complete("");
                        callback.succeeded();
                    }
                })
                .get(5, TimeUnit.SECONDS);
        CompletableFuture<Boolean> sent = body < 0
                ? CompletableFuture.completedFuture(true)
                : stream.data(new DataFrame(stream.getId(), ByteBuffer.wrap(new byte[body]), true))
                        .handle((done, failure) -> failure == null);
        // Over when the answer ended and the body was sent or given up (a reset fails it).
        return status.thenCompose(code ->
                ended.thenCompose(end -> sent.thenApply(bodySent -> new Ending(code, reset.getNow(null), bodySent))));
    }
}
