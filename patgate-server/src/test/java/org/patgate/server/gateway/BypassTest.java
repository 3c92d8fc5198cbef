package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RawHttp.RawAnswer;
import org.patgate.server.testing.RecordingUpstream.Received;
import org.patgate.server.testing.RunningGateway;

/**
 * Crafted requests that try to get past the gateway, each a test case named after its trick. Every
 * one must be denied (and the upstream must receive nothing) or be forwarded in a normalised, safe
 * form (checked on what the upstream received). Requests are written byte for byte on a socket.
 */
@EndToEndTest
class BypassTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

    static String revoked;
    static String expired;
    static String ipBound;

    @BeforeAll
    static void start() throws Exception {
        revoked = gw.createToken("read-write", List.of());
        String revokedId = idOf(revoked);
        gw.server.call("DELETE", "/.patgate/api/v1/tokens/" + revokedId, "alice", RunningGateway.ALICE_PASSWORD, null);
        Instant in = gw.server.clock().instant().plusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        expired = gw.server
                .call(
                        "POST",
                        "/.patgate/api/v1/tokens",
                        "alice",
                        RunningGateway.ALICE_PASSWORD,
                        Map.of("name", "expiring", "scope", "read-write", "expiresAt", in.toString()))
                .json()
                .get("token")
                .asText();
        gw.server.clock().set(in.plus(Duration.ofSeconds(1)));
        ipBound = gw.createToken("read-write", List.of("192.0.2.0/24"));
    }

    private static String idOf(String token) {
        var items = gw.server
                .call("GET", "/.patgate/api/v1/tokens?size=200", "alice", RunningGateway.ALICE_PASSWORD, null)
                .json()
                .get("items");
        for (var item : items) {
            if (token.endsWith(item.get("hint").asText().substring(1))) {
                return item.get("id").asText();
            }
        }
        throw new AssertionError("token not listed");
    }

    /** A crafted request and what must happen to it. {ro}, {rw} etc. are filled in at run time. */
    record Case(String name, String request, List<Integer> deniedWith, Predicate<Received> forwardedAs) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case denied(String name, String request, Integer... statuses) {
        return new Case(name, request, List.of(statuses), null);
    }

    static Case forwarded(String name, String request, Predicate<Received> check) {
        return new Case(name, request, List.of(), check);
    }

    static String get(String target, String... headers) {
        return request("GET", target, null, headers);
    }

    static String request(String method, String target, String body, String... headers) {
        StringBuilder text =
                new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: {host}\r\n");
        for (String header : headers) {
            text.append(header).append("\r\n");
        }
        if (body != null) {
            text.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(body.length())
                    .append("\r\n");
        }
        text.append("Connection: close\r\n\r\n");
        if (body != null) {
            text.append(body);
        }
        return text.toString();
    }

    static final String RO = "Authorization: Bearer {ro}";
    static final String RW = "Authorization: Bearer {rw}";
    static final String ME = "/rest/api/2/myself";

    static Predicate<Received> identity(String user) {
        return r -> r.header("X-Forwarded-User").equals(List.of(user))
                && r.header("Authorization").isEmpty();
    }

    static Predicate<Received> anonymous() {
        return r -> r.headerNames().stream().noneMatch(n -> HeaderNames.key(n).equals("x-forwarded-user"));
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // Path tricks: reach a REST path without a token, or a write with a read-only token.
        cases.add(denied("dot-dot into rest", get("/secure/../rest/api/2/myself"), 400, 401));
        cases.add(denied("encoded dot-dot %2e%2e", get("/secure/%2e%2e/rest/api/2/myself"), 400, 401));
        cases.add(denied("upper-case %2E%2E", get("/secure/%2E%2E/rest/api/2/myself"), 400, 401));
        cases.add(denied("mixed .%2e", get("/secure/.%2e/rest/api/2/myself"), 400, 401));
        cases.add(
                denied("dot-dot-semicolon ..;/", request("POST", "/rest/api/2/search/..;/issue", "{}", RO), 400, 403));
        cases.add(
                denied("semicolon then dot-dot", request("POST", "/rest/api/2/search;/../issue", "{}", RO), 400, 403));
        cases.add(
                denied("encoded semicolon %3B", request("POST", "/rest/api/2/search%3B/../issue", "{}", RO), 400, 403));
        cases.add(denied("encoded slash %2F", get("/rest%2Fapi/2/myself"), 400, 401));
        cases.add(denied("lower-case encoded slash %2f", get("/secure%2f..%2frest/api/2/myself"), 400, 401));
        cases.add(denied(
                "double-encoded slash %252F",
                request("POST", "/rest/api/2/search%252F..%252Fissue", "{}", RO), 400, 403));
        cases.add(denied("double-encoded dots %252e%252e", get("/secure/%252e%252e/rest/api/2/myself"), 400, 401));
        cases.add(denied("trailing slash still protected", get("/rest/api/2/myself/"), 401));
        cases.add(denied("trailing dot segment still protected", get("/rest/api/2/myself/."), 400, 401));
        cases.add(denied("trailing dot in name still protected", get("/rest/api/2/myself."), 401));
        cases.add(denied("double slash //rest", get("//rest/api/2/myself"), 400, 401));
        cases.add(denied("slashes around dot-dot", get("/secure//..//rest/api/2/myself"), 400, 401));
        cases.add(denied("raw backslash", get("/secure\\..\\rest/api/2/myself"), 400, 401));
        cases.add(denied("encoded backslash %5C", get("/secure%5C..%5Crest/api/2/myself"), 400, 401));
        cases.add(denied("NUL %00", get("/rest/api/2/myself%00.json", RW), 400));
        cases.add(
                denied("newline %0A header injection", get("/rest/api/2/myself%0AX-Forwarded-User:%20admin", RW), 400));
        cases.add(denied("CRLF %0D%0A", get("/rest/api/2/myself%0D%0A", RW), 400));
        cases.add(denied("overlong UTF-8 dots %C0%AE", get("/secure/%C0%AE%C0%AE/rest/api/2/myself"), 400, 401));
        cases.add(denied("overlong UTF-8 slash %C0%AF", get("/secure/..%C0%AFrest/api/2/myself"), 400, 401));
        cases.add(
                denied("three-byte overlong %E0%80%AE", get("/secure/%E0%80%AE%E0%80%AE/rest/api/2/myself"), 400, 401));
        cases.add(denied(
                "path parameter on a write",
                request("DELETE", "/rest/api/2/issue/DEMO-1;jsessionid=x", null, RO),
                400,
                403));
        cases.add(forwarded(
                "path parameter stripped on a read",
                request("POST", "/rest/api/2/search;x=y", "{}", RO),
                r -> r.path().equals("/rest/api/2/search")));
        cases.add(forwarded(
                "upper-case REST is not REST and gets no identity",
                get("/REST/api/2/myself", "X-Forwarded-User: admin"),
                anonymous()));
        cases.add(denied("encoded reserved prefix", get("/%2epatgate/health"), 400, 404));
        cases.add(denied("dot-dot out of reserved prefix", get("/.patgate/../rest/api/2/myself"), 400, 401, 404));
        cases.add(denied("dot-dot above the root", get("/../rest/api/2/myself"), 400, 401));
        // Method tricks against a read-only token.
        cases.add(forwarded(
                "HEAD is a read",
                request("HEAD", "/rest/api/2/issue/DEMO-1", null, RO),
                r -> r.method().equals("HEAD")));
        cases.add(denied("lower-case get is not GET", request("get", "/rest/api/2/issue/DEMO-1", null, RO), 405));
        cases.add(denied("lower-case delete", request("delete", "/rest/api/2/issue/DEMO-1", null, RO), 405));
        cases.add(denied("unknown method", request("FOO", "/rest/api/2/issue/DEMO-1", null, RO), 405));
        cases.add(denied("TRACE", request("TRACE", "/rest/api/2/issue/DEMO-1", null, RO), 405));
        cases.add(denied("PATCH", request("PATCH", "/rest/api/2/issue/DEMO-1", "{}", RO), 403));
        cases.add(denied(
                "X-HTTP-Method-Override", get("/rest/api/2/issue/DEMO-1", RO, "X-HTTP-Method-Override: DELETE"), 403));
        cases.add(denied("X-HTTP-Method", get("/rest/api/2/issue/DEMO-1", RO, "X-HTTP-Method: PUT"), 403));
        cases.add(denied("X-Method-Override", get("/rest/api/2/issue/DEMO-1", RO, "X-Method-Override: DELETE"), 403));
        cases.add(denied(
                "underscore override header",
                get("/rest/api/2/issue/DEMO-1", RO, "X_HTTP_Method_Override: DELETE"),
                403));
        cases.add(denied("_method query parameter", get("/rest/api/2/issue/DEMO-1?_method=DELETE", RO), 403));
        cases.add(denied(
                "_method on an allowed POST", request("POST", "/rest/api/2/search?_method=DELETE", "{}", RO), 403));
        cases.add(denied(
                "CONNECT",
                "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n" + RO + "\r\nConnection: close\r\n\r\n",
                405));
        cases.add(denied(
                "lower-case post to the read-only allowlist", request("post", "/rest/api/2/search", "{}", RO), 405));
        cases.add(denied(
                "form body on a read-only POST",
                "POST /rest/api/2/search HTTP/1.1\r\nHost: {host}\r\n" + RO
                        + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 14\r\nConnection: close\r\n\r\n"
                        + "_method=DELETE",
                403));
        cases.add(denied(
                "two Content-Type headers on a read-only POST",
                request("POST", "/rest/api/2/search", "{}", RO, "Content-Type: application/json"),
                400,
                403));
        cases.add(denied(
                "form Content-Type beside JSON on a read-only POST",
                request("POST", "/rest/api/2/search", "{}", RO, "Content-Type: application/x-www-form-urlencoded"),
                400,
                403));
        cases.add(denied(
                "JSON look-alike on a read-only POST",
                "POST /rest/api/2/search HTTP/1.1\r\nHost: {host}\r\n" + RO
                        + "\r\nContent-Type: application/json-patch+json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                403));
        cases.add(forwarded(
                "JQL characters in the query reach the upstream unchanged",
                get("/rest/api/2/search?jql=project%20=%20\"A\"%20OR%20key%20in%20(\"A-1\")|{x}", RO),
                r -> "jql=project%20=%20\"A\"%20OR%20key%20in%20(\"A-1\")|{x}".equals(r.query())));
        // Header tricks.
        cases.add(denied("two Authorization headers", get(ME, RW, RO), 400));
        cases.add(denied("Bearer and Basic together", get(ME, RW, "Authorization: Basic YWxpY2U6eA=="), 400));
        cases.add(denied("two schemes in one header", get(ME, "Authorization: Bearer {rw}, Basic YWxpY2U6eA=="), 401));
        cases.add(
                forwarded("spoofed identity with a token", get(ME, RO, "X-Forwarded-User: admin"), identity("alice")));
        cases.add(forwarded(
                "spoofed lower-case identity", get("/secure/Dashboard.jspa", "x-forwarded-user: admin"), anonymous()));
        cases.add(forwarded(
                "spoofed underscore identity", get("/secure/Dashboard.jspa", "X_Forwarded_User: admin"), anonymous()));
        cases.add(forwarded(
                "spoofed dotted identity", get("/secure/Dashboard.jspa", "X.Forwarded.User: admin"), anonymous()));
        cases.add(forwarded(
                "spoofed upper-case identity with token", get(ME, RW, "X-FORWARDED-USER: admin"), identity("alice")));
        cases.add(denied(
                "spoofed X-Forwarded-For from an untrusted peer",
                get(ME, "Authorization: Bearer {ip}", "X-Forwarded-For: 192.0.2.5"),
                403));
        cases.add(forwarded(
                "X-Original-URL removed",
                get("/secure/Dashboard.jspa", "X-Original-URL: /rest/api/2/user"),
                r -> r.header("X-Original-URL").isEmpty() && r.path().equals("/secure/Dashboard.jspa")));
        cases.add(forwarded(
                "X-Rewrite-URL removed",
                get("/secure/Dashboard.jspa", "X-Rewrite-URL: /rest/api/2/user"),
                r -> r.header("X-Rewrite-URL").isEmpty()));
        cases.add(denied(
                "password via Basic on REST",
                get(ME, "Authorization: Basic " + b64("alice:" + RunningGateway.ALICE_PASSWORD)),
                401));
        cases.add(denied("os_password in query", get(ME + "?os_username=alice&os_password=x"), 401));
        cases.add(denied("Digest scheme on REST", get(ME, "Authorization: Digest username=\"alice\""), 401));
        // Token tricks.
        cases.add(denied("bad checksum", get(ME, "Authorization: Bearer {badsum}"), 401));
        cases.add(denied("right checksum wrong secret", get(ME, "Authorization: Bearer {forged}"), 401));
        cases.add(denied("revoked token", get(ME, "Authorization: Bearer {revoked}"), 401));
        cases.add(denied("expired by one second", get(ME, "Authorization: Bearer {expired}"), 401));
        cases.add(denied("other installation's prefix", get(ME, "Authorization: Bearer {otherprefix}"), 401));
        cases.add(denied("token in query string", get(ME + "?access_token={rw}"), 401));
        cases.add(denied("token in query on a non-REST path", get("/secure/Dashboard.jspa?t={rw}"), 401));
        cases.add(denied("non-breaking space padding", get(ME, "Authorization: Bearer {rw}\u00a0"), 401));
        cases.add(denied(
                "token with a leading zero-width char",
                get(ME, "Authorization: Bearer \u00e2\u0080\u008b{rw}"),
                400,
                401));
        cases.add(denied("empty Bearer", get(ME, "Authorization: Bearer"), 401));
        cases.add(forwarded(
                "lower-case scheme is still Bearer (RFC 9110 §11.1)",
                get(ME, "Authorization: bearer {rw}"),
                identity("alice")));
        // Tokens in places PATgate does not accept them: refused, never forwarded (TokenLeakTest has the full class).
        cases.add(denied(
                "token under the Token scheme on a non-REST path",
                get("/secure/Dashboard.jspa", "Authorization: Token {rw}"),
                401));
        cases.add(denied("bare token on a non-REST path", get("/secure/Dashboard.jspa", "Authorization: {rw}"), 401));
        cases.add(forwarded(
                "Bearer with a tab on a non-REST path",
                get("/secure/Dashboard.jspa", "Authorization: Bearer\t{rw}"),
                identity("alice")));
        cases.add(
                denied("token in X-Api-Key on a non-REST path", get("/secure/Dashboard.jspa", "X-Api-Key: {rw}"), 401));
        cases.add(denied("token in a cookie", get("/secure/Dashboard.jspa", "Cookie: JSESSIONID=a; t={rw}"), 401));
        cases.add(denied("token in the path", get("/secure/{rw}"), 401));
        // Sessions: only configured session cookie names, and never a password login.
        cases.add(denied("any cookie is not a session", get(ME, "Cookie: foo=bar"), 401));
        cases.add(denied(
                "JSON login to the session resource",
                request(
                        "POST",
                        "/rest/auth/1/session",
                        "{\"username\":\"alice\",\"password\":\"x\"}",
                        "Cookie: JSESSIONID=abc"),
                401));
        // Protocol tricks.
        cases.add(denied("absolute-form target without token", get("http://evil.example" + ME), 400, 401));
        cases.add(denied(
                "absolute-form authority different from Host", get("http://evil.example/rest/api/2/myself", RW), 400));
        cases.add(forwarded(
                "absolute-form for ourselves goes to the upstream",
                get("http://{host}/rest/api/2/myself", RW),
                r -> r.path().equals(ME)));
        cases.add(forwarded(
                "Host mismatch does not change the upstream",
                "GET " + ME + " HTTP/1.1\r\nHost: evil.example\r\n" + RW + "\r\nConnection: close\r\n\r\n",
                r -> r.path().equals(ME)));
        cases.add(denied(
                "Transfer-Encoding with Content-Length",
                "POST /rest/api/2/issue HTTP/1.1\r\nHost: {host}\r\n" + RO
                        + "\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n",
                400,
                403));
        cases.add(denied(
                "obs-fold header",
                "GET " + ME + " HTTP/1.1\r\nHost: {host}\r\nX-Forwarded-User: x\r\n admin\r\n"
                        + "Connection: close\r\n\r\n",
                400,
                401));
        cases.add(denied(
                "conflicting Content-Length",
                "POST /rest/api/2/issue HTTP/1.1\r\nHost: {host}\r\n" + RO
                        + "\r\nContent-Length: 2\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{}",
                400,
                403));
        cases.add(denied(
                "smuggled second request in body",
                "POST /rest/api/2/search HTTP/1.1\r\nHost: {host}\r\n" + RO
                        + "\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nDELETE /rest/api/2/issue/DEMO-1 HTTP/1.1\r\nHost: {host}\r\n"
                        + "Connection: close\r\n\r\n",
                400));
        cases.add(denied("HTTP/1.0 without Host or token", "GET " + ME + " HTTP/1.0\r\n\r\n", 400, 401));
        cases.add(denied("huge header", get(ME, "X-Padding: " + "a".repeat(70_000)), 400, 413, 431));
        return cases.stream();
    }

    static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String fill(String request) {
        String rw = gw.readWrite();
        char last = rw.charAt(rw.length() - 1);
        String badsum = rw.substring(0, rw.length() - 1) + (last == 'A' ? 'B' : 'A');
        String forged = new org.patgate.core.token.TokenFormat("pat_").generate(new SecureRandom());
        String other = new org.patgate.core.token.TokenFormat("acme_").generate(new SecureRandom());
        return request.replace("{host}", "127.0.0.1:" + gw.base().getPort())
                .replace("{ro}", gw.readOnly())
                .replace("{rw}", rw)
                .replace("{badsum}", badsum)
                .replace("{forged}", forged)
                .replace("{revoked}", revoked)
                .replace("{expired}", expired)
                .replace("{otherprefix}", other)
                .replace("{ip}", ipBound);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void crafted(Case trick) {
        gw.upstream.clear();

        RawAnswer answer = RawHttp.send(gw.base(), fill(trick.request()));

        if (trick.forwardedAs() == null) {
            assertThat(answer.status())
                    .as(answer.text())
                    .isIn(trick.deniedWith().toArray());
            assertThat(gw.upstream.received())
                    .as("the upstream must receive nothing")
                    .isEmpty();
        } else {
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            assertThat(gw.upstream.received()).hasSize(1);
            assertThat(gw.upstream.last()).matches(trick.forwardedAs(), "forwarded in a safe form");
        }
    }
}
