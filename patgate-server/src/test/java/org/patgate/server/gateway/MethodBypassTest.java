package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.patgate.core.decision.ForwardedMethods;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RawHttp2;
import org.patgate.server.testing.RunningGateway;

/**
 * The method class of bypasses: a method is compared the way the upstream will see it. Every spelling
 * of every forwarded method that is not the exact upper-case one is refused with 405 before any
 * scope, rule or REST decision, for read-only, read-write, rule-restricted and preset tokens and for
 * anonymous requests, over HTTP/1.1 (byte-exact) and HTTP/2; non-proxyable methods are 405 with an
 * {@code Allow} header; the method forwarded is exactly the one decided; WebDAV writes are writes for
 * read-only tokens and their {@code Destination} is decided like the path; read-only POSTs pass only
 * with a JSON body.
 */
@EndToEndTest
class MethodBypassTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

    static Map<String, String> tokens;
    static RawHttp2 http2;

    @BeforeAll
    static void start() throws Exception {
        List<String> writes =
                List.of("POST", "PUT", "PATCH", "DELETE", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK");
        tokens = Map.of(
                "ro",
                gw.readOnly(),
                "rw",
                gw.readWrite(),
                "deny",
                token(Map.of(
                        "deny",
                        List.of(
                                Map.of("methods", writes, "path", "/rest/**"),
                                Map.of("methods", writes, "path", "/dav/locked/**")))),
                "preset",
                token(Map.of("preset", "jira-read-only")),
                "dav",
                token(Map.of(
                        "allow",
                        List.of(
                                Map.of("methods", List.of("GET", "PROPFIND"), "path", "/dav/**"),
                                Map.of("methods", List.of("COPY", "MOVE"), "path", "/dav/open/**")))));
        http2 = RawHttp2.connect(gw.base());
    }

    static String token(Map<String, Object> rules) {
        var created = gw.server.call(
                "POST",
                "/.patgate/api/v1/tokens",
                "alice",
                RunningGateway.ALICE_PASSWORD,
                Map.of("name", "rules-" + System.nanoTime(), "scope", "read-write", "rules", rules));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("token").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        http2.close();
        gw.close();
    }

    /** A request and what must happen: refused with one of the statuses, or forwarded with exactly this method. */
    record Case(
            String name,
            String method,
            String target,
            String token,
            Map<String, String> headers,
            String body,
            List<Integer> refusedWith,
            String forwardedMethod) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case refused(
            String name, String method, String target, String token, Map<String, String> headers, Integer... statuses) {
        return new Case(
                name,
                method,
                target,
                token,
                headers,
                method.equalsIgnoreCase("POST") ? "{}" : null,
                List.of(statuses),
                null);
    }

    static Case forwarded(String name, String method, String target, String token, Map<String, String> headers) {
        return new Case(name, method, target, token, headers, method.equals("POST") ? "{}" : null, List.of(), method);
    }

    static final String ISSUE = "/rest/api/2/issue/DEMO-1";
    static final String SEARCH = "/rest/api/2/search";

    /** Lower case, capitalised, and the last letter lowered: spellings a lenient upstream or client maps to the method. */
    static List<String> otherSpellings(String method) {
        return List.of(
                method.toLowerCase(Locale.ROOT),
                method.charAt(0) + method.substring(1).toLowerCase(Locale.ROOT),
                method.substring(0, method.length() - 1) + Character.toLowerCase(method.charAt(method.length() - 1)));
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (String method : ForwardedMethods.ALL) {
            for (String spelling : otherSpellings(method)) {
                for (String token : List.of("ro", "rw", "deny", "preset")) {
                    cases.add(refused(spelling + " with a " + token + " token", spelling, ISSUE, token, Map.of(), 405));
                }
                cases.add(refused(
                        spelling + " with a search preset",
                        spelling,
                        SEARCH,
                        "preset",
                        Map.of("Content-Type", "application/json"),
                        405));
                cases.add(refused(
                        spelling + " to the read-only POST allowlist",
                        spelling,
                        SEARCH,
                        "ro",
                        Map.of("Content-Type", "application/json"),
                        405));
                cases.add(refused(
                        spelling + " anonymous outside REST", spelling, "/secure/Dashboard.jspa", null, Map.of(), 405));
                cases.add(refused(
                        spelling + " on a WebDAV path with rules",
                        spelling,
                        "/dav/locked/page",
                        "dav",
                        Map.of("Destination", "/dav/open/x"),
                        405));
            }
            cases.add(forwarded(
                    method + " is forwarded as " + method,
                    method,
                    "/secure/x",
                    "rw",
                    ForwardedMethods.WITH_DESTINATION.contains(method)
                            ? Map.of("Destination", "/secure/y")
                            : Map.of()));
        }
        for (String method : List.of(
                "CONNECT",
                "TRACE",
                "TRACK",
                "DEBUG",
                "FOO",
                "M-SEARCH",
                "REPORT",
                "SEARCH",
                "QUERY",
                "BIND",
                "PURGE",
                "GETS")) {
            // CONNECT's target is an authority (RFC 9110 §9.3.6); a CONNECT with a path is malformed (400).
            String target = method.equals("CONNECT") ? "127.0.0.1:22" : "/rest/api/2/issue/DEMO-1";
            for (String token : new String[] {"ro", "rw", "deny", null}) {
                cases.add(refused(
                        method + " with " + (token == null ? "no" : "a " + token) + " token",
                        method,
                        target,
                        token,
                        Map.of(),
                        405));
            }
        }
        // Read-only tokens: WebDAV methods are writes, PROPFIND included (read-only is GET, HEAD, OPTIONS).
        for (String method : ForwardedMethods.WEBDAV) {
            cases.add(refused(
                    method + " with a read-only token",
                    method,
                    "/dav/space/page",
                    "ro",
                    Map.of("Destination", "/dav/space/copy"),
                    403));
        }
        cases.add(forwarded("PROPFIND allowed by a rule", "PROPFIND", "/dav/space/page", "dav", Map.of()));
        cases.add(refused("PROPFIND outside the rule", "PROPFIND", "/rest/api/2/issue", "dav", Map.of(), 403));
        // COPY and MOVE write to Destination too: it is decided like the path.
        cases.add(forwarded(
                "MOVE inside the allowed folder", "MOVE", "/dav/open/a", "dav", Map.of("Destination", "/dav/open/b")));
        cases.add(forwarded(
                "MOVE with an absolute Destination URI",
                "MOVE",
                "/dav/open/a",
                "dav",
                Map.of("Destination", "http://127.0.0.1/dav/open/b")));
        cases.add(refused(
                "MOVE out of the allowed folder",
                "MOVE",
                "/dav/open/a",
                "dav",
                Map.of("Destination", "/dav/locked/a"),
                403));
        cases.add(refused(
                "COPY onto a REST path",
                "COPY",
                "/secure/a",
                "deny",
                Map.of("Destination", "/rest/api/2/issue/X-1"),
                403));
        cases.add(refused(
                "MOVE anonymously onto a REST path",
                "MOVE",
                "/secure/a",
                null,
                Map.of("Destination", "/rest/api/2/x"),
                401));
        cases.add(refused(
                "MOVE with dot-dot in Destination",
                "MOVE",
                "/dav/open/a",
                "dav",
                Map.of("Destination", "/dav/open/../locked/a"),
                400));
        cases.add(refused(
                "MOVE with encoded dot-dot in Destination",
                "MOVE",
                "/dav/open/a",
                "dav",
                Map.of("Destination", "/dav/open/%2e%2e/locked/a"),
                400));
        cases.add(refused(
                "MOVE with a path parameter in Destination",
                "MOVE",
                "/dav/open/a",
                "dav",
                Map.of("Destination", "/dav/open/..;/locked/a"),
                400));
        cases.add(refused(
                "MOVE with a network-path Destination",
                "MOVE",
                "/dav/open/a",
                "dav",
                Map.of("Destination", "//evil.example/dav/open/a"),
                400));
        cases.add(refused(
                "MOVE into the reserved prefix",
                "MOVE",
                "/dav/open/a",
                "dav",
                Map.of("Destination", "/.patgate/x"),
                400));
        cases.add(refused("MOVE without Destination", "MOVE", "/dav/open/a", "dav", Map.of(), 400));
        cases.add(refused(
                "MOVE with two Destination headers",
                "MOVE",
                "/dav/open/a",
                "dav",
                Map.of("Destination", "/dav/open/b", "DESTINATION", "/dav/locked/b"),
                400));
        // Read-only POST allowlist: JSON bodies only (a form body can carry _method).
        for (String type : List.of(
                "application/json",
                "application/json; charset=UTF-8",
                "Application/JSON",
                "application/json;charset=\"utf-8\"")) {
            cases.add(forwarded(
                    "read-only POST search with " + type, "POST", SEARCH, "ro", Map.of("Content-Type", type)));
        }
        for (String type : List.of(
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "text/plain",
                "application/json-patch+json",
                "application/jsonx",
                "application/vnd.api+json",
                "text/json",
                "application/json, application/x-www-form-urlencoded",
                "application/json;",
                "application/json; a=b c")) {
            cases.add(refused(
                    "read-only POST search with " + type, "POST", SEARCH, "ro", Map.of("Content-Type", type), 403));
        }
        cases.add(refused("read-only POST search without Content-Type", "POST", SEARCH, "ro", Map.of(), 403));
        cases.add(refused(
                "read-only POST search with a Content_Type form too",
                "POST",
                SEARCH,
                "ro",
                Map.of("Content-Type", "application/json", "Content_Type", "application/x-www-form-urlencoded"),
                403));
        cases.add(refused(
                "read-only POST search with form and _method",
                "POST",
                SEARCH + "?x=1",
                "ro",
                Map.of("Content-Type", "application/x-www-form-urlencoded"),
                403));
        return cases.stream();
    }

    static Map<String, String> headersOf(Case c) {
        Map<String, String> headers = new LinkedHashMap<>(c.headers());
        if (c.token() != null) {
            headers.put("Authorization", "Bearer " + tokens.get(c.token()));
        }
        return headers;
    }

    @ParameterizedTest(name = "HTTP/1.1: {0}")
    @MethodSource("cases")
    void overHttp11(Case c) {
        String host = c.target().startsWith("/") ? "127.0.0.1:" + gw.base().getPort() : c.target();
        StringBuilder request = new StringBuilder(c.method())
                .append(' ')
                .append(c.target())
                .append(" HTTP/1.1\r\nHost: ")
                .append(host)
                .append("\r\n");
        headersOf(c)
                .forEach((name, value) ->
                        request.append(name).append(": ").append(value).append("\r\n"));
        if (c.body() != null) {
            request.append("Content-Length: ").append(c.body().length()).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n").append(c.body() == null ? "" : c.body());

        RawHttp.RawAnswer answer = RawHttp.send(gw.base(), request.toString());

        if (c.forwardedMethod() == null) {
            assertThat(answer.status()).as(answer.text()).isIn(c.refusedWith().toArray());
            assertThat(gw.upstream.received())
                    .as("the upstream must receive nothing")
                    .isEmpty();
            assertThat(answer.text()).contains("application/problem+json");
            if (answer.status() == 405) {
                assertThat(answer.text()).contains("\r\nAllow: " + ForwardedMethods.ALLOW_HEADER + "\r\n");
            }
        } else {
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            assertThat(gw.upstream.received()).hasSize(1);
            assertThat(gw.upstream.last().method())
                    .as("the decided method, spelled the same")
                    .isEqualTo(c.forwardedMethod());
        }
    }

    /** CONNECT is not an HTTP/2 request with a path (RFC 9113 §8.5): it is sent over HTTP/1.1 only. */
    static Stream<Case> http2Cases() {
        return cases().filter(c -> !c.method().equalsIgnoreCase("CONNECT"));
    }

    @ParameterizedTest(name = "HTTP/2: {0}")
    @MethodSource("http2Cases")
    void overHttp2(Case c) {
        RawHttp2.Answer answer = http2.send(c.method(), c.target(), headersOf(c), c.body());

        if (c.forwardedMethod() == null) {
            assertThat(answer.status())
                    .as(answer.toString())
                    .isIn(c.refusedWith().toArray());
            assertThat(gw.upstream.received())
                    .as("the upstream must receive nothing")
                    .isEmpty();
            if (answer.status() == 405) {
                assertThat(answer.headers().get("Allow")).isEqualTo(ForwardedMethods.ALLOW_HEADER);
            }
        } else {
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            assertThat(gw.upstream.received()).hasSize(1);
            assertThat(gw.upstream.last().method()).isEqualTo(c.forwardedMethod());
        }
    }
}
