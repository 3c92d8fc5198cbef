package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpField;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.patgate.core.token.TokenFormat;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RawHttp.RawAnswer;
import org.patgate.server.testing.RecordingUpstream.Received;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;

/**
 * What every real proxy in front of the upstream must do with PATgate as its external authorizer, each
 * configured as docs/integrations.md shows: allowed requests reach the upstream with the identity and
 * without the token; read-only, rules, revocation, passwords and missing tokens are decided as inline;
 * the identity header cannot be forged in any spelling; the check endpoint is not reachable through
 * the proxy; and {@link ExternalCheckParityTest}'s and {@link BypassTest}'s crafted requests get no
 * further through the proxy than inline. Each proxy's class starts the proxy and its PATgate ({@code trustedProxies} holding the
 * proxy's address) and adds what differs, such as how the client's address reaches PATgate.
 */
abstract class ExternalProxyBehaviour {

    static final String ME = "/rest/api/2/myself";

    /** The PATgate the proxy asks. */
    abstract RunningGateway gw();

    /** The proxy's own address, where clients send requests. */
    abstract URI front();

    /** The proxy's name, for token names. */
    abstract String proxy();

    @BeforeEach
    void clear() {
        gw().upstream.clear();
    }

    RawAnswer send(String method, String target, String... headers) {
        return sendFrom(null, method, target, headers);
    }

    RawAnswer sendFrom(InetAddress from, String method, String target, String... headers) {
        StringBuilder request =
                new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: jira.example.com\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        if (method.equals("POST") || method.equals("PUT")) {
            request.append("Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        } else {
            request.append("Connection: close\r\n\r\n");
        }
        return RawHttp.send(front(), request.toString(), from, false);
    }

    static String bearer(String token) {
        return "Authorization: Bearer " + token;
    }

    @Test
    void allowedRequestReachesTheUpstreamWithTheIdentityAndWithoutTheToken() {
        RawAnswer answer = send("GET", ME + "?expand=groups", bearer(gw().readWrite()), "X-Forwarded-User: admin");
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        Received received = gw().upstream.last();
        assertThat(received.path()).isEqualTo(ME);
        assertThat(received.query()).isEqualTo("expand=groups");
        assertThat(received.header("X-Forwarded-User")).containsExactly("alice");
        assertThat(received.header("Authorization"))
                .as("the PATgate token stays at the proxy")
                .isEmpty();
        assertThat(received.headers().toString()).doesNotContain(gw().readWrite());
        assertThat(answer.text()).doesNotContain(gw().readWrite());
    }

    @Test
    void withoutATokenTheClientsIdentityHeaderIsRemovedAndPasswordsOutsideRestPassOn() {
        String basic = TestServer.basic("alice", RunningGateway.ALICE_PASSWORD);
        RawAnswer answer = send("GET", "/secure/Dashboard.jspa", "X-Forwarded-User: admin", "Authorization: " + basic);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        Received received = gw().upstream.last();
        assertThat(received.header("X-Forwarded-User")).isEmpty();
        assertThat(received.header("Authorization"))
                .as("outside the REST paths PATgate allows passwords, as inline")
                .containsExactly(basic);
    }

    @Test
    void anotherSpellingOfTheIdentityHeaderNeverReachesTheUpstream() {
        RawAnswer answer =
                send("GET", ME, bearer(gw().readWrite()), "X_Forwarded_User: admin", "X.Forwarded.User: admin");
        for (Received received : gw().upstream.received()) {
            assertThat(received.headerNames())
                    .as(answer.text())
                    .allMatch(name -> name.indexOf('_') < 0 && name.indexOf('.') < 0);
            assertThat(received.header("X-Forwarded-User")).containsExactly("alice");
        }
        assertThat(answer.status()).as(answer.text()).isIn(200, 400);
    }

    @Test
    void readOnlyTokenCannotPost() {
        RawAnswer answer = send("POST", "/rest/api/2/issue", bearer(gw().readOnly()));
        assertThat(answer.status()).as(answer.text()).isEqualTo(403);
        assertThat(gw().upstream.received()).isEmpty();
        assertThat(send("POST", "/rest/api/2/search", bearer(gw().readOnly())).status())
                .as("the read-only POST allowlist, decided on method, path and content type")
                .isEqualTo(200);
    }

    @Test
    void revokedTokenIsRefusedOnTheNextRequest() {
        var created = gw().server
                .createToken(
                        "alice",
                        RunningGateway.ALICE_PASSWORD,
                        Map.of("name", "revoked via " + proxy(), "scope", "read-write"));
        String token = created.get("token").asText();
        assertThat(send("GET", ME, bearer(token)).status()).isEqualTo(200);
        assertThat(gw().server
                        .call(
                                "DELETE",
                                "/.patgate/api/v1/tokens/" + created.get("id").asText(),
                                "alice",
                                RunningGateway.ALICE_PASSWORD,
                                null)
                        .status())
                .isEqualTo(204);
        RawAnswer answer = send("GET", ME, bearer(token));
        assertThat(answer.status()).as(answer.text()).isEqualTo(401);
        assertThat(answer.text()).containsIgnoringCase("WWW-Authenticate: Bearer realm=\"patgate\"");
        assertThat(gw().upstream.received()).hasSize(1);
    }

    @Test
    void passwordBasicIsRefusedOnRestPaths() {
        RawAnswer answer =
                send("GET", ME, "Authorization: " + TestServer.basic("alice", RunningGateway.ALICE_PASSWORD));
        assertThat(answer.status()).as(answer.text()).isEqualTo(401);
        assertThat(gw().upstream.received()).isEmpty();
    }

    @Test
    void noTokenIsChallenged() {
        RawAnswer answer = send("GET", ME);
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.text()).containsIgnoringCase("WWW-Authenticate: Bearer realm=\"patgate\"");
        assertThat(gw().upstream.received()).isEmpty();
    }

    @Test
    void tokenRulesApplyAsInline() {
        String ruled = gw().createRuledToken(List.of("GET"), "/rest/api/2/issue/*");
        assertThat(send("GET", "/rest/api/2/issue/X-1", bearer(ruled)).status()).isEqualTo(200);
        assertThat(send("GET", ME, bearer(ruled)).status()).isEqualTo(403);
        assertThat(send("PUT", "/rest/api/2/issue/X-1", bearer(ruled)).status()).isEqualTo(403);
        assertThat(send("GET", "/rest/api/2/issue/X-1/../../2/user", bearer(ruled))
                        .status())
                .as("a dot segment cannot walk out of the allowed path")
                .isIn(400, 403, 404);
        assertThat(send("GET", "/rest/api/2/issue/X-1", bearer(ruled), "X-HTTP-Method-Override: PUT")
                        .status())
                .as("a method override is the client's, so it counts")
                .isEqualTo(403);
        assertThat(gw().upstream.received()).hasSize(1);
    }

    @Test
    void theCheckEndpointIsNotReachableThroughTheProxy() {
        RawAnswer answer = send(
                "GET", ExternalCheck.PATH, bearer(gw().readWrite()), "X-Original-Method: GET", "X-Original-URI: " + ME);
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.text()).doesNotContain("alice");
    }

    static Stream<ExternalCheckParityTest.Case> corpus() {
        return ExternalCheckParityTest.CASES.stream();
    }

    /**
     * The crafted requests of {@link ExternalCheckParityTest}, each sent through the proxy: every
     * request that reaches the upstream is one inline mode allows for the same client, sent as the
     * upstream received it (the proxy may refuse more, or re-encode a target before asking, as Caddy
     * encodes a raw {@code #}), with the identity inline mode gives, and never carries a token.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void theBypassCorpusGetsNoFurtherThroughTheProxyThanInline(ExternalCheckParityTest.Case c) {
        gw().upstream.clear();
        RawAnswer proxied = RawHttp.send(front(), corpusRequest(c.method(), fillCorpus(c.target()), c), null, false);
        List<Received> proxiedForwarded = gw().upstream.received();

        for (String secret : List.of(gw().readOnly(), gw().readWrite())) {
            assertThat(proxied.text()).as("the proxy's answer").doesNotContain(secret);
        }
        for (Received received : proxiedForwarded) {
            String describe = "through " + proxy() + ":\n" + proxied.text() + "\nthe upstream received: " + received;
            for (String secret : List.of(gw().readOnly(), gw().readWrite())) {
                assertThat(received.headers().toString() + received.path() + received.query())
                        .as("no token reaches the upstream\n" + describe)
                        .doesNotContain(secret);
            }
            String target = received.query() == null ? received.path() : received.path() + "?" + received.query();
            gw().upstream.clear();
            RawAnswer inline = RawHttp.send(gw().base(), corpusRequest(received.method(), target, c));
            List<Received> inlineForwarded = gw().upstream.received();
            assertThat(inlineForwarded)
                    .as("what reached the upstream through the proxy, sent inline, is allowed\n" + describe
                            + "\ninline:\n" + inline.text())
                    .hasSize(1);
            assertThat(received.header("X-Forwarded-User"))
                    .as("the identity inline mode sends\n" + describe)
                    .isEqualTo(inlineForwarded.getFirst().header("X-Forwarded-User"));
        }
    }

    private String corpusRequest(String method, String target, ExternalCheckParityTest.Case c) {
        StringBuilder text =
                new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: jira.example.com\r\n");
        for (String header : c.headers()) {
            text.append(fillCorpus(header)).append("\r\n");
        }
        return text.append("Connection: close\r\n\r\n").toString();
    }

    /** A token allowed only {@code GET /rest/api/2/issue/*}, made at the first use. */
    private String ruled;

    private String fillCorpus(String text) {
        if (ruled == null && text.contains("{ruled}")) {
            ruled = gw().createRuledToken(List.of("GET"), "/rest/api/2/issue/*");
        }
        return text.replace("{ruled}", String.valueOf(ruled))
                .replace("{ro}", gw().readOnly())
                .replace("{rw}", gw().readWrite())
                .replace(
                        "{basic}",
                        TestServer.basic("alice", RunningGateway.ALICE_PASSWORD).substring(6));
    }

    static Stream<BypassTest.Case> bypassSuite() {
        return BypassTest.cases();
    }

    /** Tokens the bypass suite names that the gateway does not have from the start. */
    private static final Map<RunningGateway, Map<String, String>> SUITE_TOKENS = new ConcurrentHashMap<>();

    /**
     * {@link BypassTest}'s crafted requests (path tricks, smuggling, forged and wrong tokens, header
     * tricks) sent through the proxy: whatever reaches the upstream, sent inline to PATgate as the
     * upstream received it with the client's credentials put back, is allowed there with the same
     * identity, and never carries a token.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("bypassSuite")
    void theBypassSuiteGetsNoFurtherThroughTheProxyThanInline(BypassTest.Case trick) {
        Map<String, String> tokens = SUITE_TOKENS.computeIfAbsent(gw(), ExternalProxyBehaviour::suiteTokens);
        String raw = trick.request()
                .replace("{host}", "jira.example.com")
                .replace("{ro}", gw().readOnly())
                .replace("{rw}", gw().readWrite());
        for (Map.Entry<String, String> token : tokens.entrySet()) {
            raw = raw.replace("{" + token.getKey() + "}", token.getValue());
        }
        gw().upstream.clear();
        RawAnswer proxied = RawHttp.send(front(), raw, null, false);
        List<Received> forwarded = gw().upstream.received();

        List<String> secrets = new ArrayList<>(List.of(gw().readOnly(), gw().readWrite()));
        secrets.addAll(tokens.values());
        for (String secret : secrets) {
            assertThat(proxied.text()).as("the proxy's answer").doesNotContain(secret);
        }
        List<String> credentials = credentials(raw);
        for (Received received : forwarded) {
            String describe = "through " + proxy() + ":\n" + proxied.text() + "\nthe upstream received: " + received;
            for (String secret : secrets) {
                assertThat(received.headers().toString() + received.path() + received.query())
                        .as("no token reaches the upstream\n" + describe)
                        .doesNotContain(secret);
            }
            String target = received.query() == null ? received.path() : received.path() + "?" + received.query();
            StringBuilder again = new StringBuilder(received.method())
                    .append(' ')
                    .append(target)
                    .append(" HTTP/1.1\r\nHost: jira.example.com\r\n");
            // What the upstream received (the proxy may drop fields PATgate would refuse, such as
            // names with '_'), without PATgate's identity, and with the client's credentials back.
            for (HttpField field : received.headers()) {
                String key = HeaderNames.key(field.getName());
                if (!List.of("host", "x-forwarded-user", "content-length", "transfer-encoding", "connection")
                        .contains(key)) {
                    again.append(field.getName())
                            .append(": ")
                            .append(field.getValue())
                            .append("\r\n");
                }
            }
            credentials.forEach(field -> again.append(field).append("\r\n"));
            again.append(
                    received.bodyBytes() > 0
                            ? "Content-Length: 2\r\nConnection: close\r\n\r\n{}"
                            : "Connection: close\r\n\r\n");
            gw().upstream.clear();
            RawAnswer inline = RawHttp.send(gw().base(), again.toString());
            List<Received> inlineForwarded = gw().upstream.received();
            assertThat(inlineForwarded)
                    .as("what reached the upstream through the proxy, sent inline, is allowed\n" + describe
                            + "\ninline:\n" + again + "\n" + inline.text())
                    .hasSize(1);
            assertThat(received.header("X-Forwarded-User"))
                    .as("the identity inline mode sends\n" + describe)
                    .isEqualTo(inlineForwarded.getFirst().header("X-Forwarded-User"));
        }
    }

    /** The credential fields ({@code Authorization}, {@code Cookie}) of the first request in {@code raw}. */
    private static List<String> credentials(String raw) {
        String head = raw.split("\r\n\r\n", 2)[0];
        List<String> fields = new ArrayList<>();
        for (String line : head.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("authorization:") || lower.startsWith("cookie:")) {
                fields.add(line);
            }
        }
        return fields;
    }

    /** The revoked, expired, IP-bound and wrong tokens the bypass suite names, made once per gateway. */
    private static Map<String, String> suiteTokens(RunningGateway gw) {
        String revoked = gw.createToken("read-write", List.of());
        var list = gw.server
                .call("GET", "/.patgate/api/v1/tokens?size=200", "alice", RunningGateway.ALICE_PASSWORD, null)
                .json()
                .get("items");
        for (var item : list) {
            if (revoked.endsWith(item.get("hint").asText().substring(1))) {
                gw.server.call(
                        "DELETE",
                        "/.patgate/api/v1/tokens/" + item.get("id").asText(),
                        "alice",
                        RunningGateway.ALICE_PASSWORD,
                        null);
            }
        }
        Instant in = gw.server.clock().instant().plusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        String expired = gw.server
                .createToken(
                        "alice",
                        RunningGateway.ALICE_PASSWORD,
                        Map.of("name", "expiring", "scope", "read-write", "expiresAt", in.toString()))
                .get("token")
                .asText();
        gw.server.clock().set(in.plusSeconds(1));
        String rw = gw.readWrite();
        char last = rw.charAt(rw.length() - 1);
        SecureRandom random = new SecureRandom();
        return Map.of(
                "revoked",
                revoked,
                "expired",
                expired,
                "ip",
                gw.createToken("read-write", List.of("192.0.2.0/24")),
                "badsum",
                rw.substring(0, rw.length() - 1) + (last == 'A' ? 'B' : 'A'),
                "forged",
                new TokenFormat("pat_").generate(random),
                "otherprefix",
                new TokenFormat("acme_").generate(random));
    }
}
