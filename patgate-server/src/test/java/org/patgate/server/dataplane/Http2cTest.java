package org.patgate.server.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RawHttp2;
import org.patgate.server.testing.RecordingUpstream;

/**
 * Cleartext HTTP/2 through the Netty data plane: with prior knowledge each stream is one exchange; a
 * request asking to upgrade ({@code Upgrade: h2c}, RFC 7540 §3.2) is served as HTTP/1.1 and its
 * upgrade fields never reach the plane.upstream().
 */
class Http2cTest {

    @RegisterExtension
    static final NodeAndUpstream<RecordingUpstream> plane = new NodeAndUpstream<>(
            RecordingUpstream::new,
            RecordingUpstream::url,
            RecordingUpstream::clear,
            Map.of("PATGATE_REST_ANONYMOUS", "allow"));

    @Test
    void forwardsStreamsToTheUpstreamOverHttp11() {
        try (RawHttp2 client = RawHttp2.connect(plane.node().base())) {
            RawHttp2.Answer first = client.send("GET", "/rest/api/2/issue/A-1?x=1", Map.of(), null);
            RawHttp2.Answer second = client.send("POST", "/test/echo-bytes", Map.of(), "hello");

            assertThat(first.status()).isEqualTo(200);
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.headers().get("X-Received-Bytes")).isEqualTo("5");
        }
        assertThat(plane.upstream().received())
                .extracting(RecordingUpstream.Received::path)
                .containsExactly("/rest/api/2/issue/A-1", "/test/echo-bytes");
        assertThat(plane.upstream().received().get(0).headerNames())
                .noneMatch(name -> name.toLowerCase().startsWith("x-http2"));
    }

    @Test
    void refusesOnAStreamWithoutForwarding() {
        RawHttp2.Answer answer = RawHttp2.send(
                plane.node().base(),
                "GET",
                "/rest/api/2/myself",
                Map.of("Authorization", "Bearer pat_notatoken"),
                null);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(plane.upstream().received()).isEmpty();
    }

    @Test
    void anH2cUpgradeIsServedAsHttp11AndNeverForwarded() {
        RawHttp.RawAnswer answer = RawHttp.send(
                plane.node().base(),
                "GET /rest/api/2/issue/A-1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                        + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n"
                        // Without Connection naming them, the fields are not hop-by-hop to a naive proxy.
                        + "GET /rest/api/2/issue/A-2 HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\n"
                        + "HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\nConnection: close\r\n\r\n");

        assertThat(answer.text()).startsWith("HTTP/1.1 200").doesNotContain(" 101 ");
        assertThat(answer.text().split("HTTP/1.1 200", -1)).hasSize(3);
        assertThat(plane.upstream().received()).hasSize(2).allSatisfy(received -> {
            assertThat(received.header("Upgrade")).isEmpty();
            assertThat(received.header("HTTP2-Settings")).isEmpty();
            assertThat(received.header("Connection"))
                    .noneMatch(value -> value.toLowerCase().contains("upgrade"));
        });
    }

    @Test
    void relaysPatgatePathsOverHttp2() {
        RawHttp2.Answer answer = RawHttp2.send(plane.node().base(), "GET", "/.patgate/health", Map.of(), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(plane.upstream().received()).isEmpty();
    }
}
