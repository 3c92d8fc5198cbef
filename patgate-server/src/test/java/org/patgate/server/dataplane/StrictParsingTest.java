package org.patgate.server.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RawRecordingUpstream;

/**
 * Requests that parsers disagree on (the stuff of request smuggling) are refused with 400 by the
 * Netty data plane, and not one of them reaches the upstream, which records every byte it gets.
 */
class StrictParsingTest {

    @RegisterExtension
    static final NodeAndUpstream<RawRecordingUpstream> plane = new NodeAndUpstream<>(
            RawRecordingUpstream::new, RawRecordingUpstream::url, RawRecordingUpstream::clear, Map.of());

    @ParameterizedTest
    @ValueSource(
            strings = {
                // obs-fold (RFC 9112 §5.2), which Netty would unfold
                "GET /a HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n",
                "GET /a HTTP/1.1\r\nHost: x\r\nX-A: a\r\n\tb\r\n\r\n",
                // bare LF and bare CR as line ends
                "GET /a HTTP/1.1\nHost: x\n\n",
                "GET /a HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n",
                "GET /a HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n",
                // Content-Length with Transfer-Encoding, which Netty would resolve by dropping the length
                "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
                // a Transfer-Encoding other than exactly chunked
                "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
                "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n",
                "POST /a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                // two different lengths
                "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
                "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 4\r\n\r\nabcd",
                "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
                // bad chunks: not hex, overflowing, missing the CRLF after the data
                "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
                "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\nabc\r\n0\r\n\r\n",
                "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXX0\r\n\r\n",
                // Host missing or twice on HTTP/1.1
                "GET /a HTTP/1.1\r\n\r\n",
                "GET /a HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
                // header names and values no parser should agree on
                "GET /a HTTP/1.1\r\nHost: x\r\nX-A : b\r\n\r\n",
                "GET /a HTTP/1.1\r\nHost: x\r\nX\u0001A: b\r\n\r\n",
                "GET /a HTTP/1.1\r\nHost: x\r\nX-A: b\u0000c\r\n\r\n",
                // targets that are not a path, versions that are not HTTP/1.x
                "GET http://other/a HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /a HTTP/2.0\r\nHost: x\r\n\r\n",
            })
    void refusesAmbiguousRequestsWithoutForwardingAnyOfThem(String request) {
        RawHttp.RawAnswer answer = RawHttp.send(plane.node().base(), request);

        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(answer.text()).contains("application/problem+json");
        assertThat(plane.upstream().received()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
                "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                "\r\nGET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            })
    void forwardsWellFormedRequests(String request) {
        RawHttp.RawAnswer answer = RawHttp.send(plane.node().base(), request);

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(plane.upstream().received()).hasSize(1);
        assertThat(plane.upstream().received().get(0)).contains("/ok HTTP/1.1\r\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {70_000})
    void refusesAnOversizedHead(int size) {
        RawHttp.RawAnswer answer = RawHttp.send(
                plane.node().base(), "GET /a HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(size) + "\r\n\r\n");

        assertThat(answer.status()).isIn(400, 431);
        assertThat(plane.upstream().received()).isEmpty();
    }
}
