package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RawHttp.RawAnswer;
import org.patgate.server.testing.RecordingUpstream.Received;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;

/**
 * The same crafted requests sent inline and described to {@code /.patgate/check} in each proxy
 * dialect: the check decides exactly as inline (same status; when allowed, the identity the upstream
 * received inline), or refuses where inline mode has no equivalent (an absolute-form target, PATgate's
 * own pages). It never allows what inline refuses, and no answer carries the token. Requests are
 * written byte for byte on a socket.
 */
@EndToEndTest
class ExternalCheckParityTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder()
            .env("PATGATE_TRUSTEDPROXIES", "127.0.0.1/32")
            .build();

    enum Expect {
        /** The check answers the inline status. */
        SAME,
        /** The check refuses (4xx) whatever inline does. */
        CHECK_REFUSES
    }

    enum Dialect {
        NGINX,
        FORWARDED,
        ENVOY
    }

    /** {ro}, {rw}, {ruled} and {basic} are filled in at run time. */
    record Case(String name, String method, String target, List<String> headers, Expect expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A token allowed only {@code GET /rest/api/2/issue/*}, made at the first use. */
    static String ruled;

    static final String RO = "Authorization: Bearer {ro}";
    static final String RW = "Authorization: Bearer {rw}";
    static final String ME = "/rest/api/2/myself";

    static Case same(String name, String method, String target, String... headers) {
        return new Case(name, method, target, List.of(headers), Expect.SAME);
    }

    static Case checkRefuses(String name, String method, String target, String... headers) {
        return new Case(name, method, target, List.of(headers), Expect.CHECK_REFUSES);
    }

    static final List<Case> CASES = List.of(
            same("plain token request", "GET", ME, RW),
            same("plain request with a query", "GET", ME + "?expand=groups&x=%20y", RW),
            same("dot-dot into PATgate's prefix", "GET", "/rest/../.patgate/api/v1/self", RW),
            same("encoded dot-dot", "GET", "/rest/%2e%2e/.patgate/api/v1/self", RW),
            same("encoded dot-dot upwards", "GET", "/rest/api/2/%2e%2e/%2e%2e/admin", RW),
            same("dot-dot above the root", "GET", "/rest/../../etc/passwd", RW),
            same("encoded slash", "GET", "/rest/api%2F2/myself", RW),
            same("encoded backslash", "GET", "/rest/api%5C2/myself", RW),
            checkRefuses("double slash at the start", "GET", "//rest/api/2/myself", RW),
            same("empty segment", "GET", "/rest//api/2/myself", RW),
            same("encoded percent", "GET", "/rest/api/2/my%2573elf", RW),
            same("path parameter at the end", "GET", ME + ";jsessionid=abc", RW),
            same("path parameter dodging the REST paths", "GET", "/rest;x=1/api/2/myself"),
            same("case variant of the REST paths", "GET", "/REST/api/2/myself"),
            same("read-only token POST", "POST", "/rest/api/2/issue", RO),
            same("read-only token POST via dot-dot", "POST", "/rest/api/2/search/../issue", RO),
            same(
                    "read-only token with override header",
                    "GET",
                    "/rest/api/2/issue/X-1",
                    RO,
                    "X-HTTP-Method-Override: DELETE"),
            same("read-only token with _method", "GET", "/rest/api/2/issue/X-1?_method=DELETE", RO),
            same("read-only token GET", "GET", "/rest/api/2/issue/X-1", RO),
            same("token in the query", "GET", ME + "?access_token={rw}"),
            same("token in the path", "GET", "/rest/api/2/issue/{rw}"),
            same("token under another scheme", "GET", ME, "Authorization: Token {rw}"),
            same("two Authorization headers", "GET", ME, RW, RO),
            same("no token on a REST path", "GET", ME),
            same("no token outside the REST paths", "GET", "/secure/Dashboard.jspa"),
            same("forged identity without a token", "GET", "/secure/Dashboard.jspa", "X-Forwarded-User: admin"),
            same("forged identity with a token", "GET", ME, RW, "X-Forwarded-User: admin"),
            checkRefuses("identity header respelled", "GET", ME, RW, "X_Forwarded_User: admin"),
            checkRefuses(
                    "identity header respelled with dots", "GET", "/secure/Dashboard.jspa", "X.Forwarded.User: admin"),
            same("password Basic", "GET", ME, "Authorization: Basic {basic}"),
            same("os_password in the query", "GET", ME + "?os_username=alice&os_password=x"),
            same("unknown method", "FOO", ME, RW),
            same("lower-case method", "get", ME, RW),
            same("TRACE", "TRACE", ME, RW),
            same("query that is not UTF-8", "GET", ME + "?q=%ff", RW),
            same("control character in the target", "GET", "/rest/api/2/my\u0001self", RW),
            same("tab in the target", "GET", "/rest/api/2/my\tself", RW),
            checkRefuses("absolute-form target", "GET", "http://jira.example.com" + ME, RW),
            checkRefuses("PATgate's own pages", "GET", "/.patgate/api/v1/self", RW),
            checkRefuses("fragment", "GET", ME + "#x", RW),
            same(
                    "fragment hiding dot segments from a rule",
                    "GET",
                    "/rest/api/2/issue/X-1#/../../../2/user",
                    "Authorization: Bearer {ruled}"),
            same(
                    "encoded fragment hiding dot segments from a rule",
                    "GET",
                    "/rest/api/2/issue/X-1%23/../../../2/user",
                    "Authorization: Bearer {ruled}"));

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Case c : CASES) {
            for (Dialect dialect : Dialect.values()) {
                if (dialect == Dialect.ENVOY && !c.target().startsWith("/")) {
                    continue; // Envoy appends a path: an absolute-form target cannot be described
                }
                all.add(Arguments.of(c, dialect));
            }
        }
        return all.stream();
    }

    static String fill(String text) {
        if (ruled == null && text.contains("{ruled}")) {
            ruled = gw.createRuledToken(List.of("GET"), "/rest/api/2/issue/*");
        }
        return text.replace("{ruled}", String.valueOf(ruled))
                .replace("{ro}", gw.readOnly())
                .replace("{rw}", gw.readWrite())
                .replace(
                        "{basic}",
                        TestServer.basic("alice", RunningGateway.ALICE_PASSWORD).substring(6));
    }

    static String inline(Case c) {
        return request(c.method(), fill(c.target()), c.headers());
    }

    static String check(Case c, Dialect dialect) {
        List<String> headers = new ArrayList<>();
        String target = fill(c.target());
        switch (dialect) {
            case NGINX -> {
                headers.add("X-Original-Method: " + c.method());
                headers.add("X-Original-URI: " + target);
                headers.add("X-Forwarded-For: 127.0.0.1");
            }
            case FORWARDED -> {
                headers.add("X-Forwarded-Method: " + c.method());
                headers.add("X-Forwarded-Uri: " + target);
                headers.add("X-Forwarded-Host: jira.example.com");
                headers.add("X-Forwarded-Proto: https");
            }
            case ENVOY -> {
                return request(c.method(), ExternalCheck.PATH + target, c.headers());
            }
        }
        headers.addAll(c.headers());
        return request("GET", ExternalCheck.PATH, headers);
    }

    static String request(String method, String target, List<String> headers) {
        StringBuilder text =
                new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: localhost\r\n");
        for (String header : headers) {
            text.append(fill(header)).append("\r\n");
        }
        return text.append("Connection: close\r\n\r\n").toString();
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("cases")
    void checkDecidesAsInline(Case c, Dialect dialect) {
        gw.upstream.clear();
        RawAnswer inline = RawHttp.send(gw.base(), inline(c));
        List<Received> forwarded = gw.upstream.received();
        gw.upstream.clear();
        RawAnswer check = RawHttp.send(gw.base(), check(c, dialect));

        assertThat(gw.upstream.received())
                .as("a check never reaches the upstream")
                .isEmpty();
        for (String secret : List.of(gw.readOnly(), gw.readWrite())) {
            assertThat(check.text()).as("the check's answer").doesNotContain(secret);
        }
        String describe = "inline:\n" + inline.text() + "\ncheck:\n" + check.text();
        assertThat(check.status()).as(describe).isGreaterThan(0);
        if (inline.status() >= 400) {
            assertThat(check.status())
                    .as("never allowed where inline refuses\n" + describe)
                    .isGreaterThanOrEqualTo(400);
        }
        if (c.expect() == Expect.CHECK_REFUSES) {
            assertThat(check.status()).as(describe).isBetween(400, 499);
            return;
        }
        assertThat(check.status()).as(describe).isEqualTo(inline.status());
        if (check.status() == 200) {
            assertThat(forwarded).as(describe).hasSize(1);
            List<String> identity = forwarded.get(0).header("X-Forwarded-User");
            assertThat(header(check.text(), "X-Forwarded-User"))
                    .as("the identity inline mode sent upstream\n" + describe)
                    .isEqualTo(identity);
        }
    }

    /** The values of {@code name} in a raw answer's head. */
    static List<String> header(String answer, String name) {
        List<String> values = new ArrayList<>();
        String head = answer.split("\r\n\r\n", 2)[0];
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                values.add(line.substring(colon + 1).strip());
            }
        }
        return values;
    }
}
