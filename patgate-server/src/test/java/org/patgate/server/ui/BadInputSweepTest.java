package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.patgate.server.api.ApiRoutes;
import org.patgate.server.api.Route;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;

/**
 * Bad input never gets a 500: malformed percent-encoding, out-of-range numbers, dates that are not
 * dates and odd path parameters, swept over every GET route of the management API, the UI pages and
 * the gateway, signed in as an admin (so the handlers really run). Each answer is a 4xx (or, in the
 * UI, a redirect to a local page) without stack text, exception names or internal addresses. Also:
 * sign-in never redirects off the site, whatever {@code next=} says.
 */
@EndToEndTest
class BadInputSweepTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

    static String cookie;
    static String csrf;

    @BeforeAll
    static void start() throws Exception {
        UiClient admin = new UiClient(gw.base());
        assertThat(admin.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD).status())
                .isEqualTo(303);
        csrf = admin.csrf();
        cookie = admin.cookies.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("; "));
    }

    static final List<String> BAD_SEGMENTS = List.of(
            "%zz",
            "%",
            "%E0%80",
            "%C0%AE%C0%AE",
            "%00",
            "x%0Ay",
            "%FF%FE",
            "a".repeat(2_000),
            "..%2F..",
            "%2e%2e",
            "{id}",
            "\"'<>|");

    static final List<String> BAD_QUERIES = List.of(
            "page=abc",
            "page=99999999999999999999",
            "size=x",
            "size=-1",
            "from=notadate",
            "until=2027-13-45T25:61:00Z",
            "hours=x",
            "%zz=1",
            "x=%",
            "x=%E0%80",
            "page=1&page=2",
            "status=weird",
            "q=%FF%FE",
            "next=//evil.example",
            "expiresOn=31.12.2027");

    static Stream<String> targets() {
        List<String> targets = new ArrayList<>();
        for (Route route : ApiRoutes.ALL.routes()) {
            if (!route.method().equals("GET")) {
                continue;
            }
            String template = "/.patgate/api/v1" + route.template();
            if (template.contains("{")) {
                for (String bad : BAD_SEGMENTS) {
                    targets.add(template.replaceAll("\\{[^}]+}", bad));
                }
            }
            String plain = template.replaceAll("\\{[^}]+}", "x");
            for (String query : BAD_QUERIES) {
                targets.add(plain + "?" + query);
            }
        }
        for (String page : List.of(
                "/.patgate/tokens",
                "/.patgate/tokens/new",
                "/.patgate/admin/tokens",
                "/.patgate/admin/users",
                "/.patgate/admin/audit",
                "/.patgate/admin/audit.csv",
                "/.patgate/admin/approvals",
                "/.patgate/admin/permissions",
                "/.patgate/admin/settings",
                "/.patgate/login",
                "/.patgate/api-docs")) {
            for (String query : BAD_QUERIES) {
                targets.add(page + "?" + query);
            }
        }
        for (String prefix : List.of(
                "/.patgate/tokens/",
                "/.patgate/admin/users/",
                "/.patgate/admin/permissions/",
                "/.patgate/admin/tokens/",
                "/.patgate/",
                "/rest/api/2/issue/")) {
            for (String bad : BAD_SEGMENTS) {
                targets.add(prefix + bad);
            }
        }
        return targets.stream();
    }

    @ParameterizedTest(name = "GET {0}")
    @MethodSource("targets")
    void badInputIsAClientErrorWithoutInternals(String target) {
        RawHttp.RawAnswer answer = RawHttp.send(
                gw.base(),
                "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + gw.base().getPort() + "\r\nCookie: " + cookie
                        + "\r\nX-CSRF-Token: " + csrf + "\r\nConnection: close\r\n\r\n");

        assertThat(answer.status()).as(answer.text()).isBetween(200, 499);
        assertNoInternals(answer.text());
        if (answer.status() >= 300 && answer.status() < 400) {
            assertThat(location(answer.text()))
                    .as("redirects stay on this site")
                    .matches("/[^/\\\\].*");
        }
        if (target.startsWith("/.patgate/api/") && answer.status() >= 400) {
            assertThat(answer.text()).contains("application/problem+json");
        }
    }

    static void assertNoInternals(String text) {
        assertThat(text)
                .doesNotContain("Exception")
                .doesNotContain("\tat ")
                .doesNotContain("java.")
                .doesNotContain("org.eclipse")
                .doesNotContain("org.patgate")
                .doesNotContain(gw.upstream.url().substring("http://".length()));
    }

    static String location(String text) {
        for (String line : text.split("\r\n")) {
            if (line.regionMatches(true, 0, "Location:", 0, 9)) {
                return line.substring(9).strip();
            }
        }
        return "";
    }

    /** Requests Jetty itself refuses before any handler: a problem body whatever the method. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "PUT *",
                "DELETE *",
                "TRACE *",
                "PATCH *",
                "GET *",
                "PUT /a/%zz",
                "DELETE /rest/%",
                "PUT http://evil.example/x"
            })
    void jettysOwnRefusalsAreProblemsForEveryMethod(String requestLine) {
        RawHttp.RawAnswer answer = RawHttp.send(
                gw.base(),
                requestLine + " HTTP/1.1\r\nHost: 127.0.0.1:" + gw.base().getPort()
                        + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

        assertThat(answer.status()).as(answer.text()).isBetween(400, 499);
        assertThat(answer.text()).contains("application/problem+json").contains("\"status\":" + answer.status());
        assertNoInternals(answer.text());
        assertThat(gw.upstream.received()).isEmpty();
    }

    /** Bodies that are not what the API expects: always a 4xx problem. */
    @ParameterizedTest(name = "POST /tokens {0}")
    @ValueSource(
            strings = {
                "[",
                "{",
                "null",
                "7",
                "\"x\"",
                "{\"name\":7}",
                "{\"name\":\"n\",\"expiresAt\":\"notadate\"}",
                "{\"name\":\"n\",\"expiresInDays\":\"x\"}",
                "{\"name\":\"n\",\"expiresInDays\":1e309}",
                "{\"name\":\"n\",\"scope\":[]}",
                "{\"name\":\"n\",\"allowedIps\":[\"999.1.1.1/99\"]}",
                "{\"name\":\"n\",\"allowedIps\":\"10.0.0.0/8\"}",
                "{\"name\":\"n\",\"rules\":{\"allow\":[{\"methods\":[\"get\"],\"path\":\"[\"}]}}",
                "{\"name\":\"n\",\"rules\":7}",
                "{\"name\":\"n\",\"owner\":{}}"
            })
    void malformedBodiesAreClientErrors(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        RawHttp.RawAnswer answer = RawHttp.send(
                gw.base(),
                "POST /.patgate/api/v1/tokens HTTP/1.1\r\nHost: 127.0.0.1:"
                        + gw.base().getPort() + "\r\nCookie: " + cookie + "\r\nX-CSRF-Token: " + csrf
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                        + "\r\nConnection: close\r\n\r\n"
                        + new String(bytes, StandardCharsets.ISO_8859_1));

        assertThat(answer.status()).as(answer.text()).isBetween(400, 499);
        assertThat(answer.text()).contains("application/problem+json");
        assertNoInternals(answer.text());
    }

    /** Where sign-in sends the browser afterwards: only PATgate's own pages, never another site. */
    @ParameterizedTest(name = "next={0}")
    @ValueSource(
            strings = {
                "//evil.example",
                "/%2F/evil.example",
                "%2F%2Fevil.example",
                "/%5Cevil.example",
                "%5C%5Cevil.example",
                "https://evil.example",
                "http:evil.example",
                "javascript:alert(1)",
                "/.patgate/..//evil.example",
                "/.patgate//evil.example",
                "/.patgate/%2F%2Fevil",
                "/%09/evil.example",
                "%zz",
                "%",
                "/.patgate/login",
                "/.patgate/tokens%0D%0ASet-Cookie:x=y",
                "data:text/html,x",
                "/.patgate/\u00e9"
            })
    void signInNeverRedirectsOffSite(String next) {
        UiClient browser = new UiClient(gw.base());
        String form = browser.get("/.patgate/login").csrf();
        String body = "_csrf=" + form + "&username=" + TestServer.ADMIN + "&password=" + TestServer.ADMIN_PASSWORD;
        String target = "/.patgate/login?next=" + next.replace("\u00e9", "%C3%A9");

        RawHttp.RawAnswer answer = RawHttp.send(
                gw.base(),
                "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1:"
                        + gw.base().getPort() + "\r\nCookie: "
                        + browser.cookies.entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .collect(Collectors.joining("; "))
                        + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                        + "\r\nConnection: close\r\n\r\n" + body);

        assertThat(answer.status()).as(answer.text()).isIn(303, 400);
        assertNoInternals(answer.text());
        if (answer.status() == 303) {
            assertThat(location(answer.text()))
                    .matches("/\\.patgate/[A-Za-z0-9_\\-/]*")
                    .doesNotContain("//");
        }
    }
}
