package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.patgate.server.testing.GitRepos.bearer;
import static org.patgate.server.testing.GitRepos.require;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.GitHttpBackend;
import org.patgate.server.testing.GitRepos;
import org.patgate.server.testing.GitRepos.Git;
import org.patgate.server.testing.RunningGateway;

/**
 * Real git through the gateway in front of a real {@code git http-backend} (Bitbucket's {@code /scm/}
 * paths): a read-only token clones (token as a Bearer header or as the Basic password in the URL)
 * but cannot push, and git shows the user why ({@code remote: PATgate: …}); a read-write token
 * pushes; a revoked token cannot clone. Skipped where git cannot be run.
 */
@EndToEndTest
class GitPushTest {

    static final String REPO = "/scm/proj/repo.git";
    static final String READ_ONLY_MESSAGE =
            "remote: PATgate: this token is read-only; pushing needs a read-write token";

    @TempDir
    static Path tmp;

    static Path home;
    static GitRepos gits;
    static Path bare;
    static GitHttpBackend backend;
    static RunningGateway gw;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(GitHttpBackend.gitAvailable(), "git is not installed");
        home = Files.createDirectory(tmp.resolve("home"));
        gits = new GitRepos(home);
        Path root = Files.createDirectories(tmp.resolve("root/proj"));
        bare = root.resolve("repo.git");
        gits.seedBare(bare, tmp);
        backend = new GitHttpBackend(tmp.resolve("root"), home);
        gw = RunningGateway.start(
                Files.createDirectory(tmp.resolve("gw")),
                Map.of("PATGATE_UPSTREAM_PRODUCT", "bitbucket", "PATGATE_UPSTREAM_URL", backend.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @BeforeEach
    void clear() {
        backend.clear();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aReadOnlyTokenClonesWithABearerHeader(int protocol) throws Exception {
        Path clone = work.resolve("clone");
        Git result = git(
                work,
                "-c",
                "protocol.version=" + protocol,
                "-c",
                bearer(gw.readOnly()),
                "clone",
                url(),
                clone.toString());

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(gits.head(clone)).isEqualTo(gits.head(bare));
        assertThat(backend.received()).anyMatch(r -> r.path().endsWith("/git-upload-pack"));
    }

    @Test
    void aReadOnlyTokenClonesAsTheBasicPasswordInTheUrl() throws Exception {
        Path clone = work.resolve("clone");
        Git result = git(work, "-c", "protocol.version=2", "clone", basicUrl(gw.readOnly()), clone.toString());

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(gits.head(clone)).isEqualTo(gits.head(bare));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aReadOnlyTokenCannotPushAndGitShowsWhy(int protocol) throws Exception {
        Path clone = cloneWith(gw.readWrite());
        String before = gits.head(bare);
        Files.writeString(clone.resolve("README"), "changed\n");
        require(gits.commit(clone, "change"));
        backend.clear();

        Git viaHeader = git(
                clone, "-c", "protocol.version=" + protocol, "-c", bearer(gw.readOnly()), "push", url(), "HEAD:main");
        Git viaUrl = git(clone, "-c", "protocol.version=" + protocol, "push", basicUrl(gw.readOnly()), "HEAD:main");

        for (Git push : List.of(viaHeader, viaUrl)) {
            assertThat(push.exit()).as(push.err()).isNotZero();
            assertThat(push.err()).contains(READ_ONLY_MESSAGE);
            assertThat(push.err()).doesNotContain(gw.readOnly());
        }
        assertThat(gits.head(bare)).isEqualTo(before);
        assertThat(backend.received())
                .noneMatch(r -> r.path().contains("receive-pack")
                        || (r.query() != null && r.query().contains("receive-pack")));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aReadWriteTokenPushes(int protocol) throws Exception {
        Path clone = cloneWith(gw.readWrite());
        Files.writeString(clone.resolve("README"), "pushed with protocol " + protocol + "\n");
        require(gits.commit(clone, "push " + protocol));
        String commit = gits.head(clone);

        Git push = git(
                clone, "-c", "protocol.version=" + protocol, "-c", bearer(gw.readWrite()), "push", url(), "HEAD:main");

        assertThat(push.exit()).as(push.err()).isZero();
        assertThat(gits.head(bare)).isEqualTo(commit);
        assertThat(backend.received()).anyMatch(r -> r.path().endsWith("/git-receive-pack"));
    }

    @Test
    void aTokenWhoseRulesAllowOnlyFetchingClonesButCannotPushAndGitShowsWhy() throws Exception {
        var created = gw.server.call(
                "POST",
                "/.patgate/api/v1/tokens",
                "alice",
                RunningGateway.ALICE_PASSWORD,
                Map.of(
                        "name",
                        "fetch-only",
                        "scope",
                        "read-write",
                        "rules",
                        Map.of(
                                "allow",
                                List.of(
                                        Map.of("methods", List.of("GET"), "path", "/scm/**"),
                                        Map.of("methods", List.of("POST"), "path", "/scm/*/*/git-upload-pack")))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String token = created.json().get("token").asText();
        Path clone = cloneWith(token);
        String before = gits.head(bare);
        Files.writeString(clone.resolve("README"), "not with these rules\n");
        require(gits.commit(clone, "rules"));
        backend.clear();

        Git push = git(clone, "-c", bearer(token), "push", url(), "HEAD:main");

        assertThat(push.exit()).as(push.err()).isNotZero();
        assertThat(push.err()).contains("remote: PATgate: " + GitSmartHttp.RULES_FORBID_PUSH);
        assertThat(gits.head(bare)).isEqualTo(before);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void aRevokedTokenCannotClone() throws Exception {
        var created = gw.server.createToken(
                "alice", RunningGateway.ALICE_PASSWORD, Map.of("name", "to-revoke", "scope", "read-only"));
        String token = created.get("token").asText();
        assertThat(gw.server
                        .call(
                                "DELETE",
                                "/.patgate/api/v1/tokens/" + created.get("id").asText(),
                                "alice",
                                RunningGateway.ALICE_PASSWORD,
                                null)
                        .status())
                .isBetween(200, 299);

        Git viaHeader =
                git(work, "-c", bearer(token), "clone", url(), work.resolve("a").toString());
        Git viaUrl = git(work, "clone", basicUrl(token), work.resolve("b").toString());

        for (Git clone : List.of(viaHeader, viaUrl)) {
            assertThat(clone.exit()).as(clone.err()).isNotZero();
            assertThat(clone.err()).doesNotContain(token);
        }
        // With the token in the URL git gives up at once and shows why; with a header it asks for a password.
        assertThat(viaUrl.err()).contains("remote: PATgate: ").contains("Authentication failed");
        assertThat(Files.exists(work.resolve("a/README"))).isFalse();
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void everySpellingOfAPushIsRefusedForAReadOnlyTokenOverHttp1AndHttp2() {
        List<String> pushes = List.of(
                "GET " + REPO + "/info/refs?service=git-receive-pack",
                "GET " + REPO + "/info/refs?service=GIT-RECEIVE-PACK",
                "GET " + REPO + "/info/refs?service=git%2Dreceive%2Dpack",
                "GET " + REPO + "/info/refs?x=1&service=git-receive-pack",
                "GET " + REPO + "/info/refs?service=git-upload-pack&service=git-receive-pack",
                "GET " + REPO + "/info/refs/?service=git-receive-pack",
                "GET " + REPO + "/info/REFS?service=git-receive-pack",
                "GET " + REPO + "/info/refs;x=y?service=git-receive-pack",
                "GET " + REPO + "/info/./refs?service=git-receive-pack",
                "HEAD " + REPO + "/info/refs?service=git-receive-pack",
                "GET /bitbucket" + REPO + "/info/refs?service=git-receive-pack",
                "POST " + REPO + "/git-receive-pack",
                "POST " + REPO + "/GIT-RECEIVE-PACK",
                "POST " + REPO + "/git-receive-pack/",
                "POST " + REPO + "/git-receive-pack;x",
                "POST " + REPO + "/x/../git-receive-pack",
                "POST " + REPO + "/git-%72eceive-pack",
                "GET " + REPO + "/git-receive-pack",
                "PUT " + REPO + "/git-receive-pack");
        String token = gw.readOnly();
        for (String push : pushes) {
            String method = push.substring(0, push.indexOf(' '));
            String target = push.substring(push.indexOf(' ') + 1);
            for (String authorization :
                    List.of("Bearer " + token, "Basic " + BypassTest.b64("x-token-auth:" + token))) {
                for (String contentType : List.of("application/x-git-receive-pack-request", "application/json")) {
                    String body = method.equals("GET") || method.equals("HEAD") ? "" : "0000";
                    var answer = org.patgate.server.testing.RawHttp.send(
                            gw.base(),
                            method + " " + target + " HTTP/1.1\r\nHost: gw\r\nUser-Agent: git/2.45.0\r\n"
                                    + "Authorization: " + authorization + "\r\nContent-Type: " + contentType
                                    + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
                                    + body);
                    assertThat(answer.status()).as(push).isEqualTo(403);
                    assertThat(answer.text()).as(push).containsIgnoringCase("Content-Type: text/plain");
                    if (!method.equals("HEAD")) {
                        assertThat(answer.text()).as(push).contains("PATgate: ");
                    }
                    try (var http2 = org.patgate.server.testing.RawHttp2.connect(gw.base())) {
                        var h2 = http2.send(
                                method,
                                target,
                                Map.of("authorization", authorization, "content-type", contentType),
                                body.isEmpty() ? null : body);
                        assertThat(h2.status()).as("HTTP/2 " + push).isEqualTo(403);
                    }
                }
            }
        }
        assertThat(backend.received()).isEmpty();

        // Fetching is a read, and other clients than git are answered with problem+json.
        assertThat(gw.bearer("GET", REPO + "/info/refs?service=git-upload-pack", token)
                        .status())
                .isEqualTo(200);
        var json = gw.send(
                "GET",
                REPO + "/info/refs?service=git-receive-pack",
                Map.of("Authorization", "Bearer " + token, "Accept", "application/json"),
                null);
        assertThat(json.status()).isEqualTo(403);
        assertThat(json.body()).contains("\"type\"").contains(GitSmartHttp.READ_ONLY_PUSH);
        assertThat(gw.bearer("GET", REPO + "/info/refs?service=git-receive-pack", gw.readWrite())
                        .status())
                .isEqualTo(200);
    }

    private Path cloneWith(String token) throws Exception {
        Path clone = work.resolve("clone-" + System.nanoTime());
        require(git(work, "-c", bearer(token), "clone", url(), clone.toString()));
        return clone;
    }

    private static String url() {
        return gw.base() + REPO;
    }

    private static String basicUrl(String token) {
        return GitRepos.basicUrl(gw.base().getPort(), REPO, token);
    }

    static Git git(Path dir, String... args) throws Exception {
        return gits.git(dir, args);
    }
}
