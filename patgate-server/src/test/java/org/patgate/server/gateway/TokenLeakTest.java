package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RawHttp.RawAnswer;
import org.patgate.server.testing.RawRecordingUpstream;
import org.patgate.server.testing.RunningGateway;

/**
 * A PATgate token never reaches the upstream, whatever form it arrives in and on every path: each
 * case puts a token somewhere (odd Authorization spellings, other headers, cookies, the query, the
 * path, chunked trailers, HTTP/2) and the upstream — which keeps every raw byte it receives — must
 * hold no copy of it. Cases named "accepted" must be served (token verified, then removed); all
 * others must be refused before the upstream.
 */
@EndToEndTest
class TokenLeakTest {

    static Path dir;
    static RawRecordingUpstream upstream;
    static RunningGateway gw;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("patgate-token-leak");
        upstream = new RawRecordingUpstream();
        gw = RunningGateway.start(dir, Map.of("PATGATE_UPSTREAM_URL", upstream.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        upstream.close();
    }

    /** A crafted request; {@code accepted}: served with the token removed, else refused with one of {@code refusedWith}. */
    record Case(String name, String request, boolean accepted, List<Integer> refusedWith) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case accepted(String name, String request) {
        return new Case(name, request, true, List.of());
    }

    static Case refused(String name, String request, Integer... statuses) {
        return new Case(name, request, false, List.of(statuses));
    }

    static String get(String target, String... headers) {
        return BypassTest.request("GET", target, null, headers);
    }

    static final String ME = "/rest/api/2/myself";
    static final String PAGE = "/secure/Dashboard.jspa";

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (String path : List.of(ME, PAGE)) {
            String where = path.equals(ME) ? " (REST)" : " (non-REST)";
            // Accepted spellings: verified, then removed before forwarding.
            cases.add(accepted("Bearer" + where, get(path, "Authorization: Bearer {rw}")));
            cases.add(accepted("Bearer with a tab" + where, get(path, "Authorization: Bearer\t{rw}")));
            cases.add(accepted("Bearer with several spaces" + where, get(path, "Authorization: Bearer    {rw}")));
            cases.add(accepted("Bearer with trailing blanks" + where, get(path, "Authorization: Bearer {rw} \t ")));
            cases.add(accepted("lower-case bearer" + where, get(path, "Authorization: bearer {rw}")));
            cases.add(accepted("upper-case BEARER" + where, get(path, "Authorization: BEARER {rw}")));
            cases.add(accepted(
                    "Basic with the token as password" + where, get(path, "Authorization: Basic {b64:alice:{rw}}")));
            cases.add(accepted(
                    "Basic with the token as username, empty password" + where,
                    get(path, "Authorization: Basic {b64:{rw}:}")));
            // Unsupported places: refused, never forwarded.
            cases.add(refused("Token scheme" + where, get(path, "Authorization: Token {rw}"), 401));
            cases.add(refused("lower-case token scheme" + where, get(path, "Authorization: token {rw}"), 401));
            cases.add(refused("bare token, no scheme" + where, get(path, "Authorization: {rw}"), 401));
            cases.add(refused(
                    "Digest carrying the token" + where, get(path, "Authorization: Digest username=\"{rw}\""), 401));
            cases.add(refused(
                    "Basic with the token as username and a password" + where,
                    get(path, "Authorization: Basic {b64:{rw}:secret}"),
                    401));
            // The password is the token; the username is ignored, and the whole header is removed.
            cases.add(accepted(
                    "Basic with a token as username and as password" + where,
                    get(path, "Authorization: Basic {b64:{rw}:{ro}}")));
            cases.add(refused(
                    "Basic with only the token, no colon" + where, get(path, "Authorization: Basic {b64:{rw}}"), 401));
            cases.add(refused(
                    "Basic with the token inside the password" + where,
                    get(path, "Authorization: Basic {b64:alice:x{rw}}"),
                    401));
            cases.add(
                    refused("Bearer with the token twice" + where, get(path, "Authorization: Bearer {rw} {rw}"), 401));
            cases.add(refused("Proxy-Authorization" + where, get(path, "Proxy-Authorization: Bearer {rw}"), 401));
            cases.add(refused("X-Api-Key" + where, get(path, "X-Api-Key: {rw}"), 401));
            cases.add(refused("X-Auth-Token" + where, get(path, "X-Auth-Token: {rw}"), 401));
            cases.add(refused("Private-Token" + where, get(path, "Private-Token: {rw}"), 401));
            cases.add(refused(
                    "custom header with text around" + where, get(path, "X-Note: my token is {rw}, thanks"), 401));
            cases.add(refused("percent-encoded in a header" + where, get(path, "X-Api-Key: {rw%}"), 401));
            cases.add(refused("cookie value" + where, get(path, "Cookie: JSESSIONID=abc; pat={rw}"), 401));
            cases.add(refused(
                    "cookie in a second Cookie header" + where,
                    get(path, "Cookie: JSESSIONID=abc", "Cookie: t={rw}"),
                    401));
            cases.add(refused("header name is the token" + where, get(path, "{rw}: 1"), 400, 401));
            cases.add(refused(
                    "valid Bearer plus a copy in X-Api-Key" + where,
                    get(path, "Authorization: Bearer {rw}", "X-Api-Key: {rw}"),
                    401));
            cases.add(refused("truncated token in a header" + where, get(path, "X-Api-Key: {truncated}"), 401));
            cases.add(refused("bad checksum in a header" + where, get(path, "X-Api-Key: {badsum}"), 401));
            cases.add(refused("access_token parameter" + where, get(path + "?access_token={rw}"), 401));
            cases.add(refused("token parameter" + where, get(path + "?token={rw}"), 401));
            cases.add(refused(
                    "percent-encoded letters of the prefix in the query" + where, get(path + "?t={rw%61}"), 401));
            cases.add(refused(
                    "token in the Host header" + where,
                    "GET " + path + " HTTP/1.1\r\nHost: {rw}\r\n" + "Connection: close\r\n\r\n",
                    400,
                    401));
            cases.add(refused("token in X-Forwarded-Host" + where, get(path, "X-Forwarded-Host: {rw}.example"), 401));
            cases.add(refused("private_token parameter" + where, get(path + "?private_token={rw}"), 401));
            cases.add(refused("percent-encoded prefix in the query" + where, get(path + "?access_token={rw%}"), 401));
            cases.add(refused("double-encoded prefix in the query" + where, get(path + "?access_token={rw%25}"), 401));
            cases.add(refused("plus before the token" + where, get(path + "?q=+{rw}"), 401));
            cases.add(refused("token as a parameter name" + where, get(path + "?{rw}=1"), 401));
            cases.add(refused("token in the path" + where, get(path + "/{rw}"), 400, 401));
            cases.add(refused("percent-encoded token in the path" + where, get(path + "/{rw%}"), 400, 401));
            cases.add(refused("token in a path parameter" + where, get(path + ";t={rw}"), 400, 401));
        }
        // Chunked trailers: the proxy forwards no request trailers, so whatever they carry stays here.
        cases.add(
                accepted(
                        "token in a chunked trailer after a valid Bearer",
                        "POST " + ME + " HTTP/1.1\r\nHost: {host}\r\n"
                                + "Authorization: Bearer {rw}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                                + "Trailer: X-Api-Key\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\nX-Api-Key: {ro}\r\nAuthorization: Bearer {ro}\r\n\r\n"));
        return cases.stream();
    }

    private static final Pattern BASE64 = Pattern.compile("\\{b64:([^{}]*)\\}");

    static String fill(String request) {
        String rw = gw.readWrite();
        char last = rw.charAt(rw.length() - 1);
        String text = request.replace("{host}", "127.0.0.1:" + gw.base().getPort())
                .replace("{rw%25}", rw.replace("_", "%255F"))
                .replace("{rw%}", rw.replace("_", "%5F"))
                .replace("{rw%61}", "p%61t%5f" + rw.substring(4))
                .replace("{truncated}", rw.substring(0, rw.length() - 2))
                .replace("{badsum}", rw.substring(0, rw.length() - 1) + (last == 'A' ? 'B' : 'A'))
                .replace("{rw}", rw)
                .replace("{ro}", gw.readOnly());
        Matcher matcher = BASE64.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(
                    out, Base64.getEncoder().encodeToString(matcher.group(1).getBytes(StandardCharsets.UTF_8)));
        }
        return matcher.appendTail(out).toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tokenNeverReachesTheUpstream(Case trick) {
        upstream.clear();

        RawAnswer answer = RawHttp.send(gw.base(), fill(trick.request()));

        if (trick.accepted()) {
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            assertThat(upstream.received()).hasSize(1);
        } else {
            assertThat(answer.status())
                    .as(answer.text())
                    .isIn(trick.refusedWith().toArray());
            assertThat(upstream.received())
                    .as("the upstream must receive nothing")
                    .isEmpty();
        }
        assertNoTokenBytes();
    }

    @Test
    void http2HeadersCarryingATokenAreRefusedAndBearerWithATabIsServedWithoutIt() throws Exception {
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        client.start();
        try {
            for (String header : List.of("x-api-key", "cookie", "proxy-authorization", "x-auth-token")) {
                upstream.clear();
                ContentResponse refused = client.newRequest(gw.base().resolve(PAGE))
                        .headers(h -> h.put(header, "t=" + gw.readWrite()))
                        .timeout(10, TimeUnit.SECONDS)
                        .send();
                assertThat(refused.getVersion().asString()).isEqualTo("HTTP/2.0");
                assertThat(refused.getStatus()).as(header).isEqualTo(401);
                assertThat(upstream.received()).as(header).isEmpty();
            }
            upstream.clear();
            ContentResponse tokenScheme = client.newRequest(gw.base().resolve(PAGE))
                    .headers(h -> h.put("authorization", "Token " + gw.readWrite()))
                    .timeout(10, TimeUnit.SECONDS)
                    .send();
            assertThat(tokenScheme.getStatus()).isEqualTo(401);
            assertThat(upstream.received()).isEmpty();

            ContentResponse served = client.newRequest(gw.base().resolve(ME))
                    .headers(h -> h.put("authorization", "Bearer\t" + gw.readWrite()))
                    .timeout(10, TimeUnit.SECONDS)
                    .send();
            assertThat(served.getStatus()).isEqualTo(200);
            assertThat(upstream.received()).hasSize(1);
            assertNoTokenBytes();
        } finally {
            client.stop();
        }
    }

    @Test
    void http2TrailersCarryingATokenNeverReachTheUpstream() throws Exception {
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        client.start();
        try {
            upstream.clear();
            ContentResponse response = client.newRequest(gw.base().resolve(ME))
                    .method("POST")
                    .headers(h -> h.put("authorization", "Bearer " + gw.readWrite()))
                    .body(new StringRequestContent("application/json", "{\"a\":1}"))
                    .trailersSupplier(() -> HttpFields.build()
                            .put("x-api-key", gw.readWrite())
                            .put("authorization", "Bearer " + gw.readOnly()))
                    .timeout(10, TimeUnit.SECONDS)
                    .send();

            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(upstream.received()).hasSize(1);
            assertThat(upstream.received().getFirst()).contains("{\"a\":1}");
            assertNoTokenBytes();
        } finally {
            client.stop();
        }
    }

    /** Neither token, nor its part after the prefix (in case the prefix was re-encoded), in any raw byte received. */
    static void assertNoTokenBytes() {
        for (String token : List.of(gw.readWrite(), gw.readOnly())) {
            String afterPrefix = token.substring("pat_".length());
            for (String received : upstream.received()) {
                assertThat(received)
                        .as("what the upstream received")
                        .doesNotContain(token)
                        .doesNotContain(afterPrefix)
                        .doesNotContain(afterPrefix.substring(0, 20));
            }
        }
    }
}
