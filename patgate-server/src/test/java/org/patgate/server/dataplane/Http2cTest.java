package org.patgate.server.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patgate.server.testing.RawHttp2;
import org.patgate.server.testing.RecordingUpstream;

/** Cleartext HTTP/2 with prior knowledge through the Netty data plane: each stream one exchange. */
class Http2cTest {

    private static RecordingUpstream upstream;
    private static DataPlaneNode node;

    @BeforeAll
    static void start() throws Exception {
        upstream = new RecordingUpstream();
        node = new DataPlaneNode(upstream.url(), Map.of("PATGATE_REST_ANONYMOUS", "allow"));
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
        upstream.close();
    }

    @BeforeEach
    void clear() {
        upstream.clear();
    }

    @Test
    void forwardsStreamsToTheUpstreamOverHttp11() {
        try (RawHttp2 client = RawHttp2.connect(node.base())) {
            RawHttp2.Answer first = client.send("GET", "/rest/api/2/issue/A-1?x=1", Map.of(), null);
            RawHttp2.Answer second = client.send("POST", "/test/echo-bytes", Map.of(), "hello");

            assertThat(first.status()).isEqualTo(200);
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.headers().get("X-Received-Bytes")).isEqualTo("5");
        }
        assertThat(upstream.received())
                .extracting(RecordingUpstream.Received::path)
                .containsExactly("/rest/api/2/issue/A-1", "/test/echo-bytes");
        assertThat(upstream.received().get(0).headerNames())
                .noneMatch(name -> name.toLowerCase().startsWith("x-http2"));
    }

    @Test
    void refusesOnAStreamWithoutForwarding() {
        RawHttp2.Answer answer = RawHttp2.send(
                node.base(), "GET", "/rest/api/2/myself", Map.of("Authorization", "Bearer pat_notatoken"), null);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void relaysPatgatePathsOverHttp2() {
        RawHttp2.Answer answer = RawHttp2.send(node.base(), "GET", "/.patgate/health", Map.of(), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(upstream.received()).isEmpty();
    }
}
