package org.patgate.server.dataplane.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hop-by-hop fields of an upstream answer go, in any case; every other field stays, in order. */
class HopByHopTest {

    @Test
    void removesEveryHopByHopFieldAndWhatConnectionNamesInAnyCase() {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.add("Content-Type", "application/json");
        headers.add("connection", "Keep-Alive, X-Secret-Hop");
        headers.add("KEEP-ALIVE", "timeout=5");
        headers.add("x-secret-hop", "1");
        headers.add("Upgrade", "h2c");
        headers.add("te", "trailers");
        headers.add("Trailer", "X-Late");
        headers.add("Proxy-Authenticate", "Basic");
        headers.add("proxy-connection", "keep-alive");
        headers.add("Transfer-Encoding", "chunked");
        headers.add("Connection", "close");
        headers.add("X-Kept", "yes");

        HopByHop.strip(headers);

        assertThat(names(headers)).containsExactly("Content-Type", "X-Kept");
    }

    @Test
    void aHopByHopFieldWithoutConnectionStillGoes() {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.add("Proxy-Authorization", "Basic eA==");
        headers.add("Content-Length", "2");

        HopByHop.strip(headers);

        assertThat(names(headers)).containsExactly("Content-Length");
    }

    @Test
    void anAnswerWithoutHopByHopFieldsIsLeftAsItIs() {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.add("Content-Type", "text/plain");
        headers.add("Set-Cookie", "a=1");
        headers.add("Set-Cookie", "b=2");
        headers.add("Connectionless", "x");

        HopByHop.strip(headers);

        assertThat(names(headers)).containsExactly("Content-Type", "Set-Cookie", "Set-Cookie", "Connectionless");
    }

    private static List<String> names(HttpHeaders headers) {
        return headers.entries().stream().map(Map.Entry::getKey).toList();
    }
}
