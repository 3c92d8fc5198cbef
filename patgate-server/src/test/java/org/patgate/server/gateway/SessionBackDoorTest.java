package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RawHttp.RawAnswer;
import org.patgate.server.testing.RecordingUpstream.Received;
import org.patgate.server.testing.RunningGateway;

/**
 * Sessions are not a password back door: with {@code rest.passwordAuth: block} (the default),
 * password credentials in any form on REST paths are refused even next to a session cookie or a
 * token, and {@code rest.anonymous: deny} is lifted only by a configured session cookie name
 * (exact, non-empty), never by any cookie.
 */
@EndToEndTest
class SessionBackDoorTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

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

    static String form(String method, String target, String contentType, String body, String... headers) {
        StringBuilder text =
                new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: {host}\r\n");
        for (String header : headers) {
            text.append(header).append("\r\n");
        }
        text.append("Content-Type: ")
                .append(contentType)
                .append("\r\nContent-Length: ")
                .append(body.length())
                .append("\r\nConnection: close\r\n\r\n")
                .append(body);
        return text.toString();
    }

    static final String ME = "/rest/api/2/myself";
    static final String COOKIE = "Cookie: JSESSIONID=abc123";
    static final String FORM = "application/x-www-form-urlencoded";
    static final String LOGIN = "os_username=bob&os_password=secret";

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // Password parameters in the query, next to a session cookie.
        cases.add(denied(
                "os_password in the query with a cookie",
                BypassTest.get(ME + "?os_username=bob&os_password=x", COOKIE),
                401));
        cases.add(denied(
                "os_username alone in the query with a cookie", BypassTest.get(ME + "?os_username=bob", COOKIE), 401));
        cases.add(denied(
                "os_authType in the query with a cookie", BypassTest.get(ME + "?os_authType=basic", COOKIE), 401));
        cases.add(denied(
                "upper-case OS_PASSWORD in the query",
                BypassTest.get(ME + "?OS_PASSWORD=x&OS_USERNAME=bob", COOKIE),
                401));
        cases.add(denied(
                "encoded os%5Fpassword in the query",
                BypassTest.get(ME + "?os%5Fusername=bob&os%5Fpassword=x", COOKIE), 401));
        // Password fields in a form body.
        cases.add(denied("form body with a cookie", form("POST", ME, FORM, LOGIN, COOKIE), 401));
        cases.add(denied("form body without a cookie", form("POST", ME, FORM, LOGIN), 401));
        cases.add(denied(
                "form body next to a valid token", form("POST", "/rest/api/2/issue", FORM, LOGIN, BypassTest.RW), 401));
        cases.add(denied(
                "form body, upper-case field names",
                form("POST", ME, FORM, "OS_USERNAME=bob&OS_PASSWORD=x", COOKIE),
                401));
        cases.add(denied(
                "form body, encoded field names",
                form("POST", ME, FORM, "os%5Fusername=bob&os%5Fpassword=x", COOKIE),
                401));
        cases.add(denied("form body, only os_password", form("POST", ME, FORM, "a=1&os_password=x", COOKIE), 401));
        cases.add(denied("form body, os_authType", form("POST", ME, FORM, "os_authType=basic", COOKIE), 401));
        cases.add(denied("form body, blanks around the name", form("POST", ME, FORM, "+os_password+=x", COOKIE), 401));
        cases.add(denied(
                "form content type in odd case with charset",
                form("POST", ME, "Application/X-WWW-Form-URLencoded ; charset=UTF-8", LOGIN, COOKIE),
                401));
        cases.add(denied("form body by PUT", form("PUT", ME, FORM, LOGIN, COOKIE), 401));
        cases.add(denied("Jira gadget login form", form("POST", "/rest/gadget/1.0/login", FORM, LOGIN, COOKIE), 401));
        cases.add(denied(
                "chunked form body",
                "POST " + ME + " HTTP/1.1\r\nHost: {host}\r\n" + COOKIE + "\r\nContent-Type: " + FORM
                        + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                        + Integer.toHexString(LOGIN.length()) + "\r\n"
                        + LOGIN + "\r\n0\r\n\r\n",
                401));
        cases.add(denied(
                "form body over the limit",
                form("POST", ME, FORM, "a=" + "x".repeat(FormPasswordGuard.LIMIT) + "&" + LOGIN, COOKIE),
                413));
        cases.add(denied("gzip-encoded form body", form("POST", ME, FORM, "x", COOKIE, "Content-Encoding: gzip"), 415));
        cases.add(denied(
                "second Content-Type header says form",
                form("POST", ME, "application/json", LOGIN, COOKIE, "Content-Type: " + FORM),
                400,
                401));
        cases.add(forwarded(
                "form body without password fields is forwarded whole",
                form("POST", ME, FORM, "a=1&b=os_password", COOKIE),
                r -> r.method().equals("POST") && r.bodyBytes() == "a=1&b=os_password".length()));
        // JSON login to the session resource, whatever the spelling after normalisation.
        for (String path : List.of(
                "/rest/auth/1/session",
                "/rest/auth/latest/session",
                "/rest/auth/1/session/",
                "/rest/auth/1/./session",
                "/rest/api/../auth/1/session",
                "/rest/auth/1/session;x=y",
                "/rest/AUTH/1/Session",
                "/rest/auth/%31/session")) {
            cases.add(denied(
                    "JSON login " + path + " with a cookie",
                    BypassTest.request("POST", path, "{\"username\":\"bob\",\"password\":\"secret\"}", COOKIE),
                    400,
                    401));
        }
        cases.add(denied(
                "JSON login next to a valid token",
                BypassTest.request(
                        "POST",
                        "/rest/auth/1/session",
                        "{\"username\":\"bob\",\"password\":\"secret\"}",
                        BypassTest.RW),
                401));
        cases.add(denied("JSON login by PUT", BypassTest.request("PUT", "/rest/auth/1/session", "{}", COOKIE), 401));
        cases.add(denied(
                "login by GET with a method override",
                BypassTest.get("/rest/auth/1/session", COOKIE, "X-HTTP-Method-Override: POST"),
                401));
        cases.add(forwarded(
                "reading the current session with a cookie",
                BypassTest.get("/rest/auth/1/session", COOKIE),
                r -> r.method().equals("GET")));
        cases.add(forwarded(
                "logging out with a cookie",
                BypassTest.request("DELETE", "/rest/auth/1/session", null, COOKIE),
                r -> r.method().equals("DELETE")));
        // Which cookies lift rest.anonymous: deny (generic default: JSESSIONID only, exact and non-empty).
        cases.add(denied("any other cookie", BypassTest.get(ME, "Cookie: foo=bar"), 401));
        cases.add(denied("session name in another case", BypassTest.get(ME, "Cookie: jsessionid=abc"), 401));
        cases.add(denied("session name with a suffix", BypassTest.get(ME, "Cookie: JSESSIONIDX=abc"), 401));
        cases.add(denied("session name with a prefix", BypassTest.get(ME, "Cookie: XJSESSIONID=abc"), 401));
        cases.add(denied("empty session value", BypassTest.get(ME, "Cookie: JSESSIONID="), 401));
        cases.add(denied("quoted empty session value", BypassTest.get(ME, "Cookie: JSESSIONID=\"\""), 401));
        cases.add(denied(
                "session name inside another cookie's value", BypassTest.get(ME, "Cookie: foo=JSESSIONID=abc"), 401));
        cases.add(denied("session name without a value", BypassTest.get(ME, "Cookie: JSESSIONID"), 401));
        cases.add(denied("empty Cookie header", BypassTest.get(ME, "Cookie: "), 401));
        cases.add(denied("Cookie2 header", BypassTest.get(ME, "Cookie2: JSESSIONID=abc"), 401));
        cases.add(denied(
                "session cookie does not unlock a Basic password",
                BypassTest.get(ME, COOKIE, "Authorization: Basic " + BypassTest.b64("bob:secret")),
                401));
        cases.add(forwarded("the session cookie passes", BypassTest.get(ME, COOKIE), BypassTest.anonymous()));
        cases.add(forwarded(
                "the session cookie among others",
                BypassTest.get(ME, "Cookie: a=b; JSESSIONID=abc; c=d"),
                BypassTest.anonymous()));
        cases.add(forwarded(
                "the session cookie in a second Cookie header",
                BypassTest.get(ME, "Cookie: a=b", COOKIE),
                BypassTest.anonymous()));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void passwordsAndCookies(Case trick) {
        gw.upstream.clear();

        RawAnswer answer = RawHttp.send(
                gw.base(),
                trick.request()
                        .replace("{host}", "127.0.0.1:" + gw.base().getPort())
                        .replace("{rw}", gw.readWrite()));

        if (trick.forwardedAs() == null) {
            assertThat(answer.status())
                    .as(answer.text())
                    .isIn(trick.deniedWith().toArray());
            assertThat(answer.text()).contains("application/problem+json");
            assertThat(gw.upstream.received())
                    .as("the upstream must receive nothing")
                    .isEmpty();
        } else {
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            assertThat(gw.upstream.received()).hasSize(1);
            assertThat(gw.upstream.last()).matches(trick.forwardedAs(), "forwarded in a safe form");
        }
    }

    @Test
    void sessionCookieNamesAreARuntimeSettingValidatedLikeTheConfiguration() {
        String admin = org.patgate.server.testing.TestServer.ADMIN;
        String password = org.patgate.server.testing.TestServer.ADMIN_PASSWORD;
        try {
            var bad = gw.server.call(
                    "PUT",
                    "/.patgate/api/v1/settings",
                    admin,
                    password,
                    Map.of("rest", Map.of("sessionCookies", List.of("MYSESSION", "bad name"))));
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().get("errors").has("rest.sessionCookies[1]"))
                    .as(bad.body())
                    .isTrue();

            var set = gw.server.call(
                    "PUT",
                    "/.patgate/api/v1/settings",
                    admin,
                    password,
                    Map.of("rest", Map.of("sessionCookies", List.of("MYSESSION"))));
            assertThat(set.status()).as(set.body()).isEqualTo(200);
            assertThat(set.json()
                            .get("rest")
                            .get("sessionCookies")
                            .get("source")
                            .asText())
                    .isEqualTo("stored");

            assertThat(gw.send("GET", ME, Map.of("Cookie", "JSESSIONID=abc"), null)
                            .status())
                    .isEqualTo(401);
            assertThat(gw.send("GET", ME, Map.of("Cookie", "MYSESSION=abc"), null)
                            .status())
                    .isEqualTo(200);
        } finally {
            gw.server.call("DELETE", "/.patgate/api/v1/settings", admin, password, null);
        }
        assertThat(gw.send("GET", ME, Map.of("Cookie", "JSESSIONID=abc"), null).status())
                .isEqualTo(200);
    }

    @Test
    void http2SessionCookieSplitOverSeveralFieldsIsRecognisedAndOtherCookiesAreNot() throws Exception {
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        client.start();
        try {
            gw.upstream.clear();
            ContentResponse other = client.newRequest(gw.base().resolve(ME))
                    .headers(h -> h.add("cookie", "a=b").add("cookie", "jsessionid=x"))
                    .timeout(10, TimeUnit.SECONDS)
                    .send();
            assertThat(other.getVersion().asString()).isEqualTo("HTTP/2.0");
            assertThat(other.getStatus()).isEqualTo(401);
            assertThat(gw.upstream.received()).isEmpty();

            ContentResponse session = client.newRequest(gw.base().resolve(ME))
                    .headers(h -> h.add("cookie", "a=b").add("cookie", "JSESSIONID=abc"))
                    .timeout(10, TimeUnit.SECONDS)
                    .send();
            assertThat(session.getStatus()).isEqualTo(200);

            ContentResponse form = client.newRequest(gw.base().resolve(ME))
                    .method("POST")
                    .headers(h -> h.add("cookie", "JSESSIONID=abc"))
                    .body(new org.eclipse.jetty.client.StringRequestContent(FORM, LOGIN))
                    .timeout(10, TimeUnit.SECONDS)
                    .send();
            assertThat(form.getStatus()).isEqualTo(401);
            assertThat(gw.upstream.received()).hasSize(1);
        } finally {
            client.stop();
        }
    }
}
