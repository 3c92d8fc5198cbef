package org.patgate.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patgate.server.testing.StrictRecordingUpstream.Exchange;
import org.patgate.server.testing.StrictRecordingUpstream.Field;

/**
 * The framing tests rely on this upstream to see a smuggled request as a request of its own and to
 * refuse what a strict server refuses; here it is fed such bytes directly.
 */
class StrictRecordingUpstreamTest {

    static StrictRecordingUpstream upstream;
    static URI base;

    @BeforeAll
    static void start() throws Exception {
        upstream = new StrictRecordingUpstream();
        base = URI.create(upstream.url());
    }

    @AfterAll
    static void stop() throws Exception {
        upstream.close();
    }

    @BeforeEach
    void clear() {
        upstream.clear();
    }

    @Test
    void aRequestHiddenInAnotherOnesBytesIsRecordedAsASecondRequest() {
        RawHttp.RawAnswer answer = RawHttp.send(
                base,
                "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                        + "GET /rest/admin HTTP/1.1\r\nHost: x\r\nX-Forwarded-User: mallory\r\n\r\n");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(upstream.received()).extracting(Exchange::target).containsExactly("/a", "/rest/admin");
        assertThat(upstream.received().getFirst().bodyText()).isEqualTo("hello");
        assertThat(upstream.received().getLast().header("x-forwarded-user")).containsExactly("mallory");
        assertThat(upstream.problems()).isEmpty();
    }

    @Test
    void chunkedBodiesAndTrailersAreReadApartAndKeptByteForByte() {
        String request = "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "2;ext=1\r\n{}\r\n1\r\n!\r\n0\r\nX-Trailer: t\r\n\r\n";

        RawHttp.send(base, request);

        assertThat(upstream.received()).hasSize(1);
        Exchange exchange = upstream.received().getFirst();
        assertThat(exchange.bodyText()).isEqualTo("{}!");
        assertThat(exchange.trailers()).containsExactly(new Field("X-Trailer", "t"));
        assertThat(exchange.raw()).isEqualTo(request);
    }

    @Test
    void framingAStrictServerRefusesIsAProblemNotARequest() {
        String[] malformed = {
            "GET /a HTTP/1.1\nHost: x\r\n\r\n",
            "GET /a HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n continued\r\n\r\n",
            "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
            "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
            "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}x\r\n0\r\n\r\n",
            "GET /a HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n",
            "GET  /a HTTP/1.1\r\nHost: x\r\n\r\n",
        };
        for (String request : malformed) {
            upstream.clear();

            RawHttp.send(base, request);

            assertThat(upstream.received()).as(request).isEmpty();
            assertThat(upstream.problems()).as(request).hasSize(1);
        }
    }

    @Test
    void aRequestCutOffMidBodyIsPartial() {
        RawHttp.send(base, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{}");

        assertThat(upstream.received()).isEmpty();
        assertThat(upstream.problems()).isEmpty();
        assertThat(upstream.partial()).containsExactly("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{}");
    }
}
