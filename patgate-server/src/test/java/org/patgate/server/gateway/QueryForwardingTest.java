package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RawHttp2;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;

/**
 * Real clients' query strings reach the upstream as the client sent them: JQL with raw {@code "},
 * {@code |}, braces and the other characters RFC 3986 leaves out but {@code curl --globoff} sends,
 * over HTTP/1.1 (byte-exact) and HTTP/2, asserted on what the upstream received. What cannot be
 * forwarded faithfully (malformed percent-encoding, bytes that are not UTF-8, control characters) is
 * a 4xx problem without internals, never a 500.
 */
@EndToEndTest
class QueryForwardingTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

    static final String JQL = "jql=project%20=%20\"DEMO\"%20AND%20summary%20~%20\"a|b\"%20ORDER%20BY%20key";

    /** Raw queries that must arrive unchanged. */
    static Stream<String> verbatim() {
        return Stream.of(
                JQL,
                "jql=a|b",
                "jql=\"quoted\"",
                "jql={}",
                "expand={names}&fields=*all",
                "x=^`<>\\",
                "x=[1]&y=%5B2%5D",
                "q=100%25",
                // Percent-encoded bytes are the upstream's to interpret (legacy Latin-1 clients, binary ids).
                "x=%E9",
                "x=%C0%AE",
                "a=1&a=2&&b=",
                "jql=a+b%2Bc",
                "x=%E2%82%AC",
                "x=?/:@!$'()*,;",
                "x=" + "a".repeat(6_000),
                "");
    }

    static String get(String target, String token) {
        return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + gw.base().getPort() + "\r\nAuthorization: Bearer "
                + token + "\r\nConnection: close\r\n\r\n";
    }

    @ParameterizedTest(name = "HTTP/1.1 ?{0}")
    @MethodSource("verbatim")
    void rawQueryReachesTheUpstreamUnchangedOverHttp11(String query) {
        RawHttp.RawAnswer answer = RawHttp.send(gw.base(), get("/rest/api/2/search?" + query, gw.readWrite()));

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(gw.upstream.last().query()).isEqualTo(query);
        assertThat(gw.upstream.last().path()).isEqualTo("/rest/api/2/search");
    }

    @ParameterizedTest(name = "HTTP/2 ?{0}")
    @MethodSource("verbatim")
    void rawQueryReachesTheUpstreamUnchangedOverHttp2(String query) {
        RawHttp2.Answer answer = RawHttp2.send(
                gw.base(),
                "GET",
                "/rest/api/2/search?" + query,
                Map.of("Authorization", "Bearer " + gw.readWrite()),
                null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(gw.upstream.last().query()).isEqualTo(query);
    }

    @Test
    void withoutAQueryNoneIsForwarded() {
        assertThat(RawHttp.send(gw.base(), get("/rest/api/2/search", gw.readWrite()))
                        .status())
                .isEqualTo(200);
        assertThat(gw.upstream.last().query()).isNull();
    }

    @Test
    void rawUtf8IsForwardedPercentEncoded() {
        // "ä" as its two UTF-8 bytes on the wire: an HTTP/1.1 request line is bytes, the upstream gets the same text
        // encoded.
        String utf8 = new String("jql=\u00e4".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);

        RawHttp.RawAnswer answer = RawHttp.send(gw.base(), get("/rest/api/2/search?" + utf8, gw.readWrite()));

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(gw.upstream.last().query()).isEqualTo("jql=%C3%A4");
    }

    @Test
    void spacesAndUnicodeInAnHttp2PathAreForwardedPercentEncoded() {
        RawHttp2.Answer answer = RawHttp2.send(
                gw.base(),
                "GET",
                "/rest/api/2/search?jql=summary ~ \"a|b\" AND x = \u00e4{}",
                Map.of("Authorization", "Bearer " + gw.readWrite()),
                null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(gw.upstream.last().query()).isEqualTo("jql=summary%20~%20\"a|b\"%20AND%20x%20=%20%C3%A4{}");
    }

    /** Queries that cannot be forwarded faithfully: a 4xx problem, nothing upstream, no internals. */
    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("percent not followed by hex", "x=%zz"),
                Arguments.of("lone percent", "x=%"),
                Arguments.of("percent and one digit", "x=%4"),
                Arguments.of("fragment", "x=a#frag"),
                Arguments.of("raw byte that is not UTF-8", "x=\u00e9"),
                Arguments.of("raw space", "x=a b"),
                Arguments.of("raw tab", "x=a\tb"),
                Arguments.of("raw DEL", "x=a\u007fb"),
                Arguments.of("too long", "x=" + "a".repeat(9_000)));
    }

    @ParameterizedTest(name = "HTTP/1.1 {0}")
    @MethodSource("refused")
    void unforwardableQueriesAre4xxOverHttp11(String name, String query) {
        RawHttp.RawAnswer answer = RawHttp.send(gw.base(), get("/rest/api/2/search?" + query, gw.readWrite()));

        assertThat(answer.status()).as(answer.text()).isBetween(400, 499);
        assertThat(answer.text())
                .contains("application/problem+json")
                .doesNotContain("Exception")
                .doesNotContain(gw.upstream.url().substring("http://".length()));
        assertThat(gw.upstream.received()).isEmpty();
    }

    @Test
    void unforwardableQueriesAre4xxOverHttp2() {
        for (String query : new String[] {"x=%zz", "x=%", "x=\u00e9\u0001", "x=a\u007fb"}) {
            RawHttp2.Answer answer = RawHttp2.send(
                    gw.base(),
                    "GET",
                    "/rest/api/2/search?" + query,
                    Map.of("Authorization", "Bearer " + gw.readWrite()),
                    null);

            if (TestServer.DATA_PLANE.equals("netty") && query.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                // Netty's frame codec refuses a control character in any field value, :path included, as
                // malformed (RFC 9113 §8.2.1) with a stream reset before PATgate sees the request.
                assertThat(answer.reset()).as(query + " " + answer).isTrue();
            } else {
                assertThat(answer.status()).as(query + " " + answer).isBetween(400, 499);
            }
        }
        assertThat(gw.upstream.received()).isEmpty();
    }
}
