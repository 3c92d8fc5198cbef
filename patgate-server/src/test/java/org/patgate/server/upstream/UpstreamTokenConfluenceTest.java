package org.patgate.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.FakeAccounts.NativeToken;
import org.patgate.server.testing.FakeAtlassian;
import org.patgate.server.testing.RawHttp2;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Identity mode {@code upstream-token} in front of a fake Confluence, at the root and under {@code
 * /wiki}. Confluence does not refuse a revoked personal access token: it answers as the anonymous user.
 * PATgate must see that, mark the link broken and say so, over HTTP/1.1 and HTTP/2, instead of quietly
 * handing the user anonymous content.
 */
@EndToEndTest
class UpstreamTokenConfluenceTest {

    private static final String API = "/.patgate/api/v1";
    private static final String LINK = API + "/me/upstream-link";
    private static final String PASSWORD = "correct-horse-battery";
    private static final String PAGE = "/rest/api/content/42";
    private static final String CURRENT = "/rest/api/user/current";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"", "/wiki"})
    void aTokenRevokedInConfluenceBreaksTheLinkInsteadOfReadingAsAnonymous(String contextPath) throws Exception {
        try (Setup setup = new Setup(dir, contextPath)) {
            NativeToken nativeToken = setup.linked("alice");
            String readOnly = setup.token("alice", "read-only");

            Answer read = setup.rest(PAGE, readOnly);
            assertThat(read.status()).as(read.body()).isEqualTo(200);
            assertThat(read.headers().firstValue("X-AUSERNAME")).hasValue("alice");
            assertThat(setup.confluence.last().header("Authorization")).hasValue("Bearer " + nativeToken.secret());
            Answer me = setup.rest(CURRENT, readOnly);
            assertThat(me.json().get("username").asText()).isEqualTo("alice");

            setup.confluence.revokeInUi(nativeToken.id());
            int before = setup.confluence.requestCount();
            Answer broken = setup.rest(CURRENT, readOnly);
            assertThat(setup.confluence.requestCount())
                    .as("the request did reach Confluence")
                    .isEqualTo(before + 1);
            assertThat(broken.status()).as(broken.body()).isEqualTo(403);
            assertThat(broken.contentType()).startsWith("application/problem+json");
            assertThat(broken.json().get("type").asText()).endsWith("/upstream-link-broken");
            assertThat(broken.json().get("detail").asText()).contains("Confluence refused the linked token");
            assertThat(broken.body()).doesNotContain("Anonymous").doesNotContain("anonymous.svg");
            assertThat(broken.headers().firstValue("X-AUSERNAME"))
                    .as("Confluence's answer is not relayed")
                    .isEmpty();
            Answer status = setup.node.call("GET", LINK, "alice", PASSWORD, null);
            assertThat(status.json().get("status").asText()).isEqualTo("broken");

            before = setup.confluence.requestCount();
            Answer again = setup.rest(PAGE, readOnly);
            assertThat(again.json().get("type").asText()).endsWith("/upstream-link-broken");
            assertThat(setup.confluence.requestCount())
                    .as("a broken link is refused before Confluence")
                    .isEqualTo(before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/wiki"})
    void overHttp2TooTheAnonymousAnswerToARevokedTokenBreaksTheLink(String contextPath) throws Exception {
        try (Setup setup = new Setup(dir, contextPath)) {
            NativeToken nativeToken = setup.linked("bob");
            String readOnly = setup.token("bob", "read-only");
            Map<String, String> headers = Map.of("authorization", "Bearer " + readOnly);
            try (RawHttp2 http2 = RawHttp2.connect(setup.node.baseUri())) {
                RawHttp2.Answer read = http2.send("GET", PAGE, headers, null);
                assertThat(read.status()).isEqualTo(200);
                assertThat(read.headers().get("X-AUSERNAME")).isEqualTo("bob");

                setup.confluence.revokeInUi(nativeToken.id());
                RawHttp2.Answer broken = http2.send("GET", PAGE, headers, null);
                assertThat(broken.status()).isEqualTo(403);
                assertThat(broken.headers().get("content-type")).startsWith("application/problem+json");
                assertThat(broken.headers().get("X-AUSERNAME")).isNull();
            }
            Answer status = setup.node.call("GET", LINK, "bob", PASSWORD, null);
            assertThat(status.json().get("status").asText()).isEqualTo("broken");
        }
    }

    /** A node in upstream-token mode in front of a fake Confluence at {@code contextPath}. */
    private static final class Setup implements AutoCloseable {
        final FakeAtlassian confluence;
        final TestServer node;

        Setup(Path dir, String contextPath) throws Exception {
            confluence = FakeAtlassian.start(UpstreamProduct.CONFLUENCE, Clock.systemUTC(), contextPath);
            Path home = Files.createDirectories(dir.resolve("node" + contextPath.replace('/', '-')));
            node = TestServer.start(
                    home,
                    "jdbc:h2:file:" + home.resolve("db").toAbsolutePath(),
                    "",
                    "",
                    Map.of(
                            "PATGATE_UPSTREAM_URL",
                            confluence.url(),
                            "PATGATE_UPSTREAM_PRODUCT",
                            "confluence",
                            "PATGATE_IDENTITY_MODE",
                            "upstream-token",
                            "PATGATE_UPSTREAM_CREDENTIALKEYFILE",
                            home.resolve("upstream.key").toString()));
        }

        /** A user in PATgate and in Confluence, linked with a token pasted from Confluence's UI. */
        NativeToken linked(String user) {
            node.createUser(user, PASSWORD);
            confluence.addUser(user, PASSWORD, user);
            NativeToken nativeToken = confluence.seedToken(user, "made in Confluence", Duration.ofDays(30));
            Answer linked = node.call("PUT", LINK, user, PASSWORD, Map.of("token", nativeToken.secret()));
            assertThat(linked.status()).as(linked.body()).isEqualTo(200);
            assertThat(linked.json().get("status").asText()).isEqualTo("linked");
            return nativeToken;
        }

        String token(String user, String scope) {
            Answer created = node.call(
                    "POST", API + "/tokens", user, PASSWORD, Map.of("name", user + "-" + scope, "scope", scope));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            return created.json().get("token").asText();
        }

        Answer rest(String path, String token) {
            return node.raw("GET", path, Map.of("Authorization", "Bearer " + token), null);
        }

        @Override
        public void close() throws Exception {
            node.close();
            confluence.close();
        }
    }
}
