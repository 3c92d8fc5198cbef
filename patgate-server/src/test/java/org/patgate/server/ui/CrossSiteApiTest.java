package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.api.ApiRoutes;
import org.patgate.server.api.Route;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Ambient credentials (browser-cached Basic, the UI session cookie) cannot change anything in the
 * management API from another site, on every state-changing route; scripts keep working.
 */
@EndToEndTest
class CrossSiteApiTest {

    private static final String API = "/.patgate/api/v1";
    private static final String PASSWORD = "cross-site-password-1";

    @RegisterExtension
    static final RunningServer server =
            RunningServer.builder().user("carol", PASSWORD).build();

    static String self;

    @BeforeAll
    static void start() {
        self = "http://127.0.0.1:" + server.baseUri().getPort();
    }

    /** Every route that is not GET, with its parameters filled in. */
    private static List<String[]> stateChangingRoutes() {
        List<String[]> routes = new ArrayList<>();
        for (Route route : ApiRoutes.ALL.routes()) {
            if (!route.method().equals("GET")) {
                routes.add(new String[] {route.method(), API + route.template().replaceAll("\\{[^}]+}", "1")});
            }
        }
        assertThat(routes).hasSizeGreaterThan(15);
        return routes;
    }

    /** The two kinds of ambient credentials: Basic, and a signed-in session with its CSRF header. */
    private static List<Map<String, String>> ambientCredentials() {
        UiClient browser = new UiClient(server.baseUri());
        assertThat(browser.signIn("carol", PASSWORD).status()).isEqualTo(303);
        String csrf = browser.csrf();
        String cookie = browser.cookies.entrySet().stream()
                .filter(e -> e.getKey().contains("session"))
                .map(e -> e.getKey() + "=" + e.getValue())
                .findFirst()
                .orElseThrow();
        return List.of(
                Map.of("Authorization", TestServer.basic("carol", PASSWORD)),
                Map.of("Cookie", cookie, "X-CSRF-Token", csrf));
    }

    private static Answer send(
            String method, String path, Map<String, String> credentials, Map<String, String> extra, String body) {
        Map<String, String> headers = new HashMap<>(credentials);
        headers.putAll(extra);
        return server.raw(method, path, headers, body);
    }

    private static void assertRefused(Answer answer, int status, String what) {
        assertThat(answer.status()).as(what + ": " + answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).as(what).isEqualTo("application/problem+json");
        assertThat(answer.body()).as(what).contains(status == 403 ? "cross-site-request" : "unsupported-media-type");
    }

    @Test
    void everyStateChangingRouteRefusesAnotherSitesOriginWithEitherCredential() {
        int port = server.baseUri().getPort();
        List<String> foreign = List.of(
                "https://evil.example",
                "null",
                "http://127.0.0.1.evil.example:" + port,
                "http://127.0.0.1:" + (port + 1),
                "https://127.0.0.1",
                "http://localhost:" + port,
                "http://127.0.0.1:" + port + "/",
                "http://user@127.0.0.1:" + port,
                "127.0.0.1:" + port);
        for (Map<String, String> credentials : ambientCredentials()) {
            for (String[] route : stateChangingRoutes()) {
                for (String origin : foreign) {
                    String what = route[0] + " " + route[1] + " Origin '" + origin + "' with " + credentials.keySet();
                    assertRefused(
                            send(
                                    route[0],
                                    route[1],
                                    credentials,
                                    Map.of("Origin", origin, "Content-Type", "application/json"),
                                    "{}"),
                            403,
                            what);
                }
            }
        }
    }

    @Test
    void fetchMetadataOtherThanSameOriginIsRefused() {
        List<String> values = List.of("cross-site", "same-site", "none", "Same-Site", "bogus");
        for (Map<String, String> credentials : ambientCredentials()) {
            for (String[] route : stateChangingRoutes()) {
                for (String value : values) {
                    assertRefused(
                            send(
                                    route[0],
                                    route[1],
                                    credentials,
                                    Map.of("sec-fetch-site", value, "Origin", self, "Content-Type", "application/json"),
                                    "{}"),
                            403,
                            route[0] + " " + route[1] + " " + value);
                }
            }
        }
    }

    @Test
    void theContentTypesAFormOrSimpleFetchCanSendAreRefused() {
        List<String> types = List.of(
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "TEXT/PLAIN; charset=utf-8",
                "application/json-seq",
                "text/json");
        for (Map<String, String> credentials : ambientCredentials()) {
            for (String[] route : stateChangingRoutes()) {
                for (String type : types) {
                    // No Origin at all: how an old browser posts a form.
                    assertRefused(
                            send(route[0], route[1], credentials, Map.of("Content-Type", type), "{\"name\":\"x\"}"),
                            415,
                            route[0] + " " + route[1] + " " + type);
                    assertRefused(
                            send(route[0], route[1], credentials, Map.of("Content-Type", type), null),
                            415,
                            route[0] + " " + route[1] + " " + type + " with an empty body");
                }
            }
        }
    }

    @Test
    void aBrowsersEmptyBodyWriteNeedsJsonOrTheCsrfHeaderEvenFromTheSameOrigin() {
        Map<String, String> basic = Map.of("Authorization", TestServer.basic("carol", PASSWORD));
        for (String[] route : stateChangingRoutes()) {
            for (Map<String, String> browser : List.of(
                    Map.of("Origin", self),
                    Map.of("Sec-Fetch-Site", "same-origin"),
                    Map.of("Sec-Fetch-Mode", "no-cors"),
                    Map.of("Sec-Fetch-Dest", "empty"))) {
                assertRefused(
                        send(route[0], route[1], basic, browser, null), 403, route[0] + " " + route[1] + " " + browser);
            }
        }
        String id = createToken(Map.of("Authorization", TestServer.basic("carol", PASSWORD)));
        Answer withHeader = send(
                "DELETE",
                API + "/tokens/" + id,
                basic,
                Map.of("Origin", self, "Sec-Fetch-Site", "same-origin", "X-CSRF-Token", "any"),
                null);
        assertThat(withHeader.status()).as(withHeader.body()).isEqualTo(204);
    }

    @Test
    void scriptsWithBasicAndNoBrowserHeadersKeepWorkingWithEmptyBodies() {
        Map<String, String> basic = Map.of("Authorization", TestServer.basic("carol", PASSWORD));
        String id = createToken(basic);

        Answer rotated = send("POST", API + "/tokens/" + id + "/rotate", basic, Map.of(), null);
        assertThat(rotated.status()).as(rotated.body()).isBetween(200, 201);
        String newId = rotated.json().get("id").asText();
        Answer revoked = send("DELETE", API + "/tokens/" + newId, basic, Map.of(), null);
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(204);
    }

    @Test
    void ourOwnOriginInAnySpellingWithJsonIsAllowed() {
        int port = server.baseUri().getPort();
        for (Map<String, String> credentials : ambientCredentials()) {
            for (String origin : List.of(self, "HTTP://127.0.0.1:" + port, " " + self + " ")) {
                Map<String, String> headers =
                        Map.of("Origin", origin, "Sec-Fetch-Site", "same-origin", "Content-Type", "application/json");
                Answer created = send("POST", API + "/tokens", credentials, headers, "{\"name\":\"same origin\"}");
                assertThat(created.status())
                        .as(origin + " " + credentials.keySet() + ": " + created.body())
                        .isEqualTo(201);
            }
        }
    }

    @Test
    void theRuleHoldsOverHttp11Too() {
        String auth = TestServer.basic("carol", PASSWORD);
        RawHttp.RawAnswer crossSite = RawHttp.send(
                server.baseUri(),
                "POST " + API + "/tokens HTTP/1.1\r\nHost: 127.0.0.1:"
                        + server.baseUri().getPort() + "\r\nAuthorization: " + auth
                        + "\r\norigin: https://evil.example\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{\"name\":\"x\"}");
        assertThat(crossSite.status()).as(crossSite.text()).isEqualTo(403);
        assertThat(crossSite.text()).contains("cross-site-request");
        RawHttp.RawAnswer form = RawHttp.send(
                server.baseUri(),
                "POST " + API + "/tokens/1/rotate HTTP/1.1\r\nHost: 127.0.0.1:"
                        + server.baseUri().getPort() + "\r\nAuthorization: " + auth + "\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertThat(form.status()).as(form.text()).isEqualTo(415);
        RawHttp.RawAnswer fetchSite = RawHttp.send(
                server.baseUri(),
                "DELETE " + API + "/tokens/1 HTTP/1.1\r\n"
                        + "Host: 127.0.0.1:" + server.baseUri().getPort() + "\r\nAuthorization: " + auth + "\r\n"
                        + "SEC-FETCH-SITE: cross-site\r\nConnection: close\r\n\r\n");
        assertThat(fetchSite.status()).as(fetchSite.text()).isEqualTo(403);
    }

    @Test
    void aCrossSiteWriteIsRefusedBeforeAnyPasswordIsChecked() {
        // A wrong password would be 401 and counted; refused first, it is neither.
        Map<String, String> wrong = Map.of("Authorization", TestServer.basic("carol", "not-the-password"));
        for (int i = 0; i < 15; i++) {
            assertRefused(
                    send(
                            "POST",
                            API + "/tokens",
                            wrong,
                            Map.of("Origin", "https://evil.example", "Content-Type", "application/json"),
                            "{\"name\":\"x\"}"),
                    403,
                    "attempt " + i);
        }
        Answer stillAllowed = server.call("GET", API + "/me", "carol", PASSWORD, null);
        assertThat(stillAllowed.status())
                .as("no failed login was counted: " + stillAllowed.body())
                .isEqualTo(200);
    }

    @Test
    void aSessionCookieAloneNeverActsOnTheApi() {
        Map<String, String> credentials = ambientCredentials().get(1);
        Map<String, String> cookieOnly = Map.of("Cookie", credentials.get("Cookie"));
        Answer answer = send(
                "POST",
                API + "/tokens",
                cookieOnly,
                Map.of("Content-Type", "application/json"),
                "{\"name\":\"cookie only\"}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(401);
    }

    private static String createToken(Map<String, String> credentials) {
        Answer created = send(
                "POST",
                API + "/tokens",
                credentials,
                Map.of("Content-Type", "application/json"),
                "{\"name\":\"doomed\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asText();
    }
}
