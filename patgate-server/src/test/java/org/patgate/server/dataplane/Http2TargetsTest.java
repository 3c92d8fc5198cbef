package org.patgate.server.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patgate.server.testing.Http2FrameClient;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RecordingUpstream;

/**
 * An HTTP/2 {@code :path} that HTTP/1.1 would refuse with {@code 400} is refused on its stream the
 * same way, with problem+json, where the frame codec let it through: a space before the query, an
 * encoded NUL, characters a request line cannot carry, characters beyond ASCII. What the frame codec itself refuses as a
 * malformed field (raw control characters, DEL) ends the stream with {@code PROTOCOL_ERROR} (RFC 9113
 * §8.1.1), never {@code CANCEL}. Nothing reaches the upstream either way, and the connection serves on.
 */
class Http2TargetsTest {

    private static final long PROTOCOL_ERROR = 0x1;

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

    private static Http2FrameClient.Outcome get(String path) {
        return Http2FrameClient.send(
                node.base(),
                List.of(
                        Map.entry(":method", "GET"),
                        Map.entry(":scheme", "http"),
                        Map.entry(":authority", "gw"),
                        Map.entry(":path", path)),
                null);
    }

    @Test
    void targetsHttp11RefusesAre400ProblemsOnTheStream() {
        int before = upstream.received().size();
        for (String path : List.of(
                "/rest/a b", "/rest/a%00b", "/rest/a\u0080b", "/rest/a\u009fb", "/rest/a\u00c2\u0080b", "/rest/a\tb")) {
            Http2FrameClient.Outcome outcome = get(path);
            assertThat(outcome.status()).as(path).isEqualTo(400);
            assertThat(outcome.contentType()).as(path).startsWith("application/problem+json");
        }
        assertThat(upstream.received()).hasSize(before);

        // The same targets on HTTP/1.1: 400 too.
        // (\u00c2\u0080 is the UTF-8 of U+0080, which Jetty's URI parser once failed on with an exception.)
        for (String path :
                List.of("/rest/a b", "/rest/a%00b", "/rest/a\u0080b", "/rest/a\u00c2\u0080b", "/rest/a\tb")) {
            RawHttp.RawAnswer answer =
                    RawHttp.send(node.base(), "GET " + path + " HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n");
            assertThat(answer.status()).as(path).isEqualTo(400);
        }
        assertThat(upstream.received()).hasSize(before);
        assertThat(get("/rest/fine").status()).isEqualTo(200);
    }

    @Test
    void controlCharactersTheFrameCodecRefusesResetTheStreamWithProtocolError() {
        int before = upstream.received().size();
        for (String path : List.of("/rest/a\u0001b", "/rest/a\u007fb", "/rest/a\u0000b", "/rest/a?x=\u0001")) {
            Http2FrameClient.Outcome outcome = get(path);
            assertThat(outcome.reset()).as(path).isTrue();
            assertThat(outcome.errorCode()).as(path).isEqualTo(PROTOCOL_ERROR);
        }
        assertThat(upstream.received()).hasSize(before);
    }
}
