package org.patgate.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.testing.DatabaseDump;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.FakeAccounts.NativeToken;
import org.patgate.server.testing.FakeAtlassian;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;
import org.patgate.server.testing.UpstreamTokenNode;
import org.slf4j.LoggerFactory;

/**
 * Identity mode {@code upstream-token} end to end: a real node in front of a fake Jira that behaves
 * like Jira's personal access token API. Users link by pasting a native token or by having one made
 * with their password; PATgate tokens then reach Jira with the owner's own native token and every
 * PATgate check still applies first; broken, missing and removed links are answered by PATgate with
 * what to do; no native secret is ever stored, logged, audited or shown.
 */
@EndToEndTest
class UpstreamTokenEndToEndTest {

    private static final String API = "/.patgate/api/v1";
    private static final String LINK = API + "/me/upstream-link";
    private static final String PASSWORD = "correct-horse-battery";

    @RegisterExtension
    static final UpstreamTokenNode upstreamToken = UpstreamTokenNode.forClass(UpstreamProduct.JIRA);

    private static FakeAtlassian jira;
    private static TestServer node;
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
    /** Every native secret the tests made: none may show up where secrets must not be. */
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    static {
        // Before the node starts (the extension starts it before any @BeforeAll): its start-up logs count too.
        LOGS.start();
        ((Logger) LoggerFactory.getLogger("org.patgate")).addAppender(LOGS);
        ((Logger) LoggerFactory.getLogger("org.eclipse.jetty")).addAppender(LOGS);
    }

    @BeforeAll
    static void start() throws Exception {
        jira = upstreamToken.product();
        node = upstreamToken.node();
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger("org.patgate")).detachAppender(LOGS);
        ((Logger) LoggerFactory.getLogger("org.eclipse.jetty")).detachAppender(LOGS);
    }

    @Test
    void aPastedLinkReadsAsTheOwnerWithTheirNativeTokenAndEveryPatgateCheckStillApplies() {
        user("alice");
        NativeToken nativeToken = nativeToken("alice");

        Answer linked = link("alice", Map.of("token", nativeToken.secret()));
        assertThat(linked.status()).as(linked.body()).isEqualTo(200);
        assertThat(linked.json().get("status").asText()).isEqualTo("linked");
        assertThat(linked.json().get("kind").asText()).isEqualTo("pasted");
        assertThat(linked.json().get("upstreamUsername").asText()).isEqualTo("alice");
        assertThat(node.call("GET", LINK, "alice", PASSWORD, null)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("linked");

        String readOnly = token("alice", "read-only");
        Answer read = rest(
                "GET", "/rest/api/2/issue/PG-1", readOnly, Map.of("Cookie", "JSESSIONID=someone-elses-session"), null);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.headers().firstValue("X-AUSERNAME")).hasValue("alice");
        FakeAtlassian.Received seen = jira.last();
        assertThat(seen.header("Authorization")).hasValue("Bearer " + nativeToken.secret());
        assertThat(seen.header("Cookie"))
                .as("no session rides along with the native token")
                .isEmpty();
        assertThat(seen.header("X-Forwarded-User")).hasValue("alice");
        assertThat(seen.headers().toString()).doesNotContain(readOnly);

        int before = jira.requestCount();
        Answer write = rest("POST", "/rest/api/2/issue", readOnly, Map.of(), "{\"fields\":{}}");
        assertThat(write.status()).isEqualTo(403);
        assertThat(jira.requestCount()).as("a refused write never reaches Jira").isEqualTo(before);

        String readWrite = token("alice", "read-write");
        Answer created = rest("POST", "/rest/api/2/issue", readWrite, Map.of(), "{\"fields\":{}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("createdBy").asText()).isEqualTo("alice");

        revoke("alice", readOnly);
        before = jira.requestCount();
        assertThat(rest("GET", "/rest/api/2/issue/PG-1", readOnly, Map.of(), null)
                        .status())
                .isEqualTo(401);
        assertThat(jira.requestCount())
                .as("a revoked PATgate token is refused before Jira")
                .isEqualTo(before);
    }

    @Test
    void curlReadsAsTheOwnerThroughPatgate() throws Exception {
        user("olga");
        NativeToken nativeToken = nativeToken("olga");
        link("olga", Map.of("token", nativeToken.secret()));
        String readOnly = token("olga", "read-only");

        Process curl;
        try {
            curl = new ProcessBuilder(
                            "curl",
                            "-sS",
                            "--max-time",
                            "20",
                            "-H",
                            "Authorization: Bearer " + readOnly,
                            "-D",
                            "-",
                            node.baseUri() + "/rest/api/2/issue/PG-7")
                    .redirectErrorStream(true)
                    .start();
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("curl is not installed");
            return;
        }
        assertThat(curl.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String out = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(curl.exitValue()).as(out).isZero();
        assertThat(out)
                .contains("200")
                .containsIgnoringCase("X-AUSERNAME: olga")
                .contains("\"readBy\":\"olga\"");
        assertThat(jira.last().header("Authorization")).hasValue("Bearer " + nativeToken.secret());
    }

    @Test
    void aPatgateTokenCannotReachJirasOwnTokenApiEvenWithALink() {
        user("ivan");
        link("ivan", Map.of("token", nativeToken("ivan").secret()));
        String readWrite = token("ivan", "read-write");
        int before = jira.requestCount();

        for (String path : List.of("/rest/pat/latest/tokens", "/rest/pat/latest/tokens/1")) {
            for (String method : List.of("GET", "POST", "DELETE")) {
                Answer answer = rest(method, path, readWrite, Map.of(), method.equals("POST") ? "{}" : null);
                assertThat(answer.status()).as(method + " " + path).isEqualTo(403);
            }
        }
        assertThat(jira.requestCount()).isEqualTo(before);
    }

    @Test
    void aNativeTokenOfSomeoneElseOrUnknownToJiraIsRefusedAndNothingIsLinked() {
        user("bob");
        user("mallory");
        NativeToken bobs = nativeToken("bob");

        Answer stolen = link("mallory", Map.of("token", bobs.secret()));
        assertThat(stolen.status()).isEqualTo(400);
        assertThat(stolen.body()).contains("bob").doesNotContain(bobs.secret());
        Answer unknown = link("mallory", Map.of("token", "bm90LWEtamlyYS10b2tlbjpyZWFsbHk="));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("type").asText()).endsWith("/upstream-token-rejected");
        Answer neither = link("mallory", Map.of());
        assertThat(neither.status()).isEqualTo(400);
        Answer both = link("mallory", Map.of("token", bobs.secret(), "password", PASSWORD));
        assertThat(both.status()).isEqualTo(400);

        assertThat(node.call("GET", LINK, "mallory", PASSWORD, null)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("unlinked");
    }

    @Test
    void aProductThatCannotBeAskedIsA502AndNothingIsLinked() {
        user("nina");
        NativeToken nativeToken = nativeToken("nina");
        jira.breakWith(FakeAtlassian.Breakage.SERVER_ERROR);
        try {
            for (Map<String, String> body :
                    List.of(Map.of("token", nativeToken.secret()), Map.of("password", PASSWORD))) {
                Answer answer = link("nina", body);
                assertThat(answer.status()).as(answer.body()).isEqualTo(502);
                assertThat(answer.json().get("type").asText()).endsWith("/upstream-unavailable");
                assertThat(answer.body()).doesNotContain(nativeToken.secret()).doesNotContain(PASSWORD);
            }
        } finally {
            jira.breakWith(FakeAtlassian.Breakage.NONE);
        }
        assertThat(node.call("GET", LINK, "nina", PASSWORD, null)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("unlinked");
    }

    @Test
    void aLinkMadeWithThePasswordMintsANativeTokenNamedPatgateAndAWrongPasswordIsRefused() {
        user("carol");
        Answer minted = link("carol", Map.of("password", PASSWORD));
        assertThat(minted.status()).as(minted.body()).isEqualTo(200);
        assertThat(minted.json().get("kind").asText()).isEqualTo("minted");
        assertThat(minted.json().get("expiresAt").asText()).isNotEmpty();
        List<NativeToken> made = jira.tokensOf("carol");
        assertThat(made).hasSize(1);
        assertThat(made.getFirst().name()).isEqualTo("PATgate");
        SECRETS.add(made.getFirst().secret());

        Answer read = rest("GET", "/rest/api/2/issue/PG-2", token("carol", "read-only"), Map.of(), null);
        assertThat(read.status()).isEqualTo(200);
        assertThat(jira.last().header("Authorization"))
                .hasValue("Bearer " + made.getFirst().secret());

        user("dave");
        jira.addUser("dave", "another-password-in-jira", "Dave");
        Answer wrong = link("dave", Map.of("password", PASSWORD));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().get("type").asText()).endsWith("/upstream-token-rejected");
        assertThat(jira.tokensOf("dave")).isEmpty();
    }

    @Test
    void aUserWithoutALinkIsToldHowToLinkBeforeAnythingReachesJira() {
        user("erin");
        String readOnly = token("erin", "read-only");
        int before = jira.requestCount();

        Answer refused = rest("GET", "/rest/api/2/issue/PG-1", readOnly, Map.of(), null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("type").asText()).endsWith("/upstream-link-missing");
        assertThat(refused.json().get("detail").asText())
                .contains("Jira")
                .contains("/.patgate/")
                .contains("PUT /.patgate/api/v1/me/upstream-link");
        assertThat(jira.requestCount()).isEqualTo(before);
    }

    @Test
    void aNativeTokenRevokedInJiraBreaksTheLinkWithAClearAnswerNotJirasBare401() {
        user("frank");
        NativeToken nativeToken = nativeToken("frank");
        link("frank", Map.of("token", nativeToken.secret()));
        String readOnly = token("frank", "read-only");
        assertThat(rest("GET", "/rest/api/2/issue/PG-1", readOnly, Map.of(), null)
                        .status())
                .isEqualTo(200);

        jira.revokeInUi(nativeToken.id());
        Answer broken = rest("GET", "/rest/api/2/issue/PG-1", readOnly, Map.of(), null);
        assertThat(broken.status()).isEqualTo(403);
        assertThat(broken.contentType()).startsWith("application/problem+json");
        assertThat(broken.json().get("type").asText()).endsWith("/upstream-link-broken");
        assertThat(broken.json().get("detail").asText())
                .contains("Jira refused the linked token")
                .doesNotContain("with your password"); // a pasted token is not renewed by signing in
        assertThat(broken.headers().firstValue("X-AUSERNAME"))
                .as("Jira's answer is not relayed")
                .isEmpty();

        Answer status = node.call("GET", LINK, "frank", PASSWORD, null);
        assertThat(status.json().get("status").asText()).isEqualTo("broken");
        assertThat(status.json().get("reason").asText()).contains("Jira refused");

        int before = jira.requestCount();
        Answer again = rest("GET", "/rest/api/2/issue/PG-1", readOnly, Map.of(), null);
        assertThat(again.json().get("type").asText()).endsWith("/upstream-link-broken");
        assertThat(jira.requestCount())
                .as("a broken link is refused before Jira")
                .isEqualTo(before);

        // Linking again repairs it.
        NativeToken fresh = nativeToken("frank");
        assertThat(link("frank", Map.of("token", fresh.secret())).status()).isEqualTo(200);
        assertThat(rest("GET", "/rest/api/2/issue/PG-1", readOnly, Map.of(), null)
                        .status())
                .isEqualTo(200);
        assertThat(jira.last().header("Authorization")).hasValue("Bearer " + fresh.secret());
    }

    @Test
    void disablingOrDeletingAUserRevokesTheirNativeTokenInJira() {
        user("gina");
        link("gina", Map.of("password", PASSWORD));
        SECRETS.add(jira.tokensOf("gina").getFirst().secret());
        user("hank");
        link("hank", Map.of("password", PASSWORD));
        SECRETS.add(jira.tokensOf("hank").getFirst().secret());

        Answer disabled = node.asAdmin("PATCH", API + "/users/gina", Map.of("enabled", false));
        assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
        assertThat(jira.tokensOf("gina")).as("revoked in Jira").isEmpty();
        Answer ginaLink = node.asAdmin("GET", API + "/users/gina/upstream-link", null);
        assertThat(ginaLink.json().get("status").asText()).isEqualTo("revoked");

        assertThat(node.asAdmin("DELETE", API + "/users/hank", null).status()).isEqualTo(204);
        assertThat(jira.tokensOf("hank")).as("revoked in Jira").isEmpty();
    }

    @Test
    void unlinkingRevokesAMintedTokenInJiraAndSaysSo() {
        user("judy");
        link("judy", Map.of("password", PASSWORD));
        SECRETS.add(jira.tokensOf("judy").getFirst().secret());

        Answer unlinked = node.call("DELETE", LINK, "judy", PASSWORD, null);
        assertThat(unlinked.status()).as(unlinked.body()).isEqualTo(200);
        assertThat(unlinked.json().get("status").asText()).isEqualTo("revoked");
        assertThat(unlinked.json().get("revokedUpstream").asBoolean()).isTrue();
        assertThat(jira.tokensOf("judy")).isEmpty();
        assertThat(node.call("DELETE", LINK, "judy", PASSWORD, null).status())
                .as("nothing left to unlink")
                .isIn(404, 200);
    }

    @Test
    void anAdminBindsAServiceCredentialToATechnicalUserAndItIsNeverRevokedUpstream() {
        node.createUser("ci", PASSWORD);
        jira.addUser("ci-bot", "ci-bot-password-in-jira", "CI Bot");
        NativeToken service = jira.seedToken("ci-bot", "for PATgate", Duration.ofDays(30));
        SECRETS.add(service.secret());

        Answer notAdmin =
                node.call("PUT", API + "/users/ci/upstream-link", "ci", PASSWORD, Map.of("token", service.secret()));
        assertThat(notAdmin.status()).isEqualTo(403);
        Answer bound = node.asAdmin("PUT", API + "/users/ci/upstream-link", Map.of("token", service.secret()));
        assertThat(bound.status()).as(bound.body()).isEqualTo(200);
        assertThat(bound.json().get("kind").asText()).isEqualTo("service");
        assertThat(bound.json().get("upstreamUsername").asText()).isEqualTo("ci-bot");
        assertThat(bound.body()).doesNotContain(service.secret());

        Answer read = rest("GET", "/rest/api/2/issue/PG-3", token("ci", "read-only"), Map.of(), null);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.headers().firstValue("X-AUSERNAME")).hasValue("ci-bot");
        assertThat(jira.last().header("Authorization")).hasValue("Bearer " + service.secret());

        Answer removed = node.asAdmin("DELETE", API + "/users/ci/upstream-link", null);
        assertThat(removed.json().get("revokedUpstream").asBoolean()).isFalse();
        assertThat(removed.json().get("revokeNote").asText()).contains("service credential");
        assertThat(jira.tokensOf("ci-bot")).as("a shared credential stays").hasSize(1);
    }

    @Test
    void aBrokenMintedLinkIsRenewedAtTheNextPasswordSignIn() {
        user("lena");
        link("lena", Map.of("password", PASSWORD));
        NativeToken first = jira.tokensOf("lena").getFirst();
        SECRETS.add(first.secret());
        String readOnly = token("lena", "read-only");
        jira.revokeInUi(first.id());
        Answer broken = rest("GET", "/rest/api/2/issue/PG-1", readOnly, Map.of(), null);
        assertThat(broken.json().get("type").asText()).endsWith("/upstream-link-broken");
        assertThat(broken.json().get("detail").asText())
                .contains("sign in at /.patgate/ with your password to renew it");

        // Any password sign-in (here the API with Basic) renews it.
        assertThat(node.call("GET", API + "/me", "lena", PASSWORD, null).status())
                .isEqualTo(200);
        List<NativeToken> now = jira.tokensOf("lena");
        assertThat(now).hasSize(1);
        assertThat(now.getFirst().id()).isNotEqualTo(first.id());
        SECRETS.add(now.getFirst().secret());
        assertThat(node.call("GET", LINK, "lena", PASSWORD, null)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("linked");
        assertThat(rest("GET", "/rest/api/2/issue/PG-1", readOnly, Map.of(), null)
                        .status())
                .isEqualTo(200);

        // A working link is left alone.
        node.call("GET", API + "/me", "lena", PASSWORD, null);
        assertThat(jira.tokensOf("lena"))
                .extracting(NativeToken::id)
                .containsExactly(now.getFirst().id());
    }

    @Test
    void noNativeSecretIsStoredLoggedAuditedOrShown() throws Exception {
        user("kate");
        NativeToken pasted = nativeToken("kate");
        link("kate", Map.of("token", pasted.secret()));
        String readOnly = token("kate", "read-only");
        rest("GET", "/rest/api/2/issue/PG-1", readOnly, Map.of(), null);
        jira.revokeInUi(pasted.id());
        rest("GET", "/rest/api/2/issue/PG-1", readOnly, Map.of(), null);
        link("kate", Map.of("password", PASSWORD));
        SECRETS.add(jira.tokensOf("kate").getFirst().secret());
        rest("GET", "/rest/api/2/issue/PG-1", readOnly, Map.of(), null);
        node.call("DELETE", LINK, "kate", PASSWORD, null);

        assertThat(SECRETS).hasSizeGreaterThanOrEqualTo(2);
        StringBuilder everywhere = new StringBuilder();
        everywhere.append(DatabaseDump.of(node.server().database().dataSource()));
        everywhere.append(node.asAdmin("GET", API + "/audit?size=200", null).body());
        everywhere.append(node.asAdmin("GET", API + "/audit.csv", null).body());
        everywhere.append(node.call("GET", LINK, "kate", PASSWORD, null).body());
        everywhere.append(
                node.asAdmin("GET", API + "/users/kate/upstream-link", null).body());
        everywhere.append(String.join("\n", node.announcements()));
        for (ILoggingEvent event : List.copyOf(LOGS.list)) {
            everywhere.append(event.getFormattedMessage()).append('\n');
            if (event.getThrowableProxy() != null) {
                everywhere.append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
        }
        assertThat(everywhere.toString()).contains("kate"); // the search looked at real content
        assertThat(everywhere.toString()).contains("upstream-link.created");
        for (String secret : SECRETS) {
            assertThat(everywhere.toString()).doesNotContain(secret);
        }
        assertThat(Files.readString(upstreamToken.keyFile())).doesNotContain(pasted.secret());
    }

    // --- helpers -------------------------------------------------------------------------------

    /** A user in PATgate and in Jira, with the same password (a shared directory). */
    private static void user(String name) {
        node.createUser(name, PASSWORD);
        jira.addUser(name, PASSWORD, name.substring(0, 1).toUpperCase() + name.substring(1));
    }

    /** A personal access token the user made in Jira's UI. */
    private static NativeToken nativeToken(String user) {
        NativeToken token = jira.seedToken(user, "made in Jira", Duration.ofDays(30));
        SECRETS.add(token.secret());
        return token;
    }

    private static Answer link(String user, Map<String, ?> body) {
        return node.call("PUT", LINK, user, PASSWORD, body);
    }

    private static String token(String user, String scope) {
        Answer created =
                node.call("POST", API + "/tokens", user, PASSWORD, Map.of("name", user + "-" + scope, "scope", scope));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("token").asText();
    }

    /** Revokes the user's read-only token (the one {@link #token} named so). */
    private static void revoke(String user, String token) {
        Answer list = node.call("GET", API + "/tokens?owner=" + user, user, PASSWORD, null);
        for (var item : list.json().get("items")) {
            if (item.get("name").asText().equals(user + "-read-only")) {
                assertThat(node.call("DELETE", API + "/tokens/" + item.get("id").asText(), user, PASSWORD, null)
                                .status())
                        .isEqualTo(204);
                return;
            }
        }
        throw new AssertionError("no token to revoke in " + list.body());
    }

    private static Answer rest(String method, String path, String token, Map<String, String> headers, String body) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("Authorization", "Bearer " + token);
        if (body != null) {
            all.put("Content-Type", "application/json");
        }
        return node.raw(method, path, all, body);
    }
}
