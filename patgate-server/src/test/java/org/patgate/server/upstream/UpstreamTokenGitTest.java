package org.patgate.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.patgate.server.testing.GitRepos.bearer;
import static org.patgate.server.testing.GitRepos.require;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.FakeAccounts.NativeToken;
import org.patgate.server.testing.FakeAtlassian;
import org.patgate.server.testing.GitHttpBackend;
import org.patgate.server.testing.GitRepos;
import org.patgate.server.testing.GitRepos.Git;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Real git through a node in identity mode {@code upstream-token} in front of a fake Bitbucket whose
 * {@code /scm} is real {@code git http-backend} and takes only a known user's token. Clones and pushes
 * reach Bitbucket with the owner's own HTTP access token, never the PATgate token; read-only tokens and
 * the {@code bitbucket-read-only} preset clone but cannot push; refusals are shown by git. Skipped where
 * git cannot be run.
 */
@EndToEndTest
class UpstreamTokenGitTest {

    private static final String API = "/.patgate/api/v1";
    private static final String PASSWORD = "correct-horse-battery";
    private static final String REPO = "/scm/proj/repo.git";

    @TempDir
    static Path tmp;

    static Path home;
    static GitRepos gits;
    static Path bare;
    static GitHttpBackend backend;
    static FakeAtlassian bitbucket;
    static TestServer node;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(GitHttpBackend.gitAvailable(), "git is not installed");
        home = Files.createDirectory(tmp.resolve("home"));
        gits = new GitRepos(home);
        bare = Files.createDirectories(tmp.resolve("root/proj")).resolve("repo.git");
        gits.seedBare(bare, tmp);
        backend = new GitHttpBackend(tmp.resolve("root"), home);
        bitbucket = FakeAtlassian.start(UpstreamProduct.BITBUCKET, Clock.systemUTC(), "");
        bitbucket.mountScm(backend.handler());
        Path nodeDir = Files.createDirectory(tmp.resolve("node"));
        node = TestServer.start(
                nodeDir,
                "jdbc:h2:file:" + nodeDir.resolve("db").toAbsolutePath(),
                "",
                "",
                Map.of(
                        "PATGATE_UPSTREAM_URL",
                        bitbucket.url(),
                        "PATGATE_UPSTREAM_PRODUCT",
                        "bitbucket",
                        "PATGATE_IDENTITY_MODE",
                        "upstream-token",
                        "PATGATE_UPSTREAM_CREDENTIALKEYFILE",
                        nodeDir.resolve("upstream.key").toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (bitbucket != null) {
            bitbucket.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void theFakeRefusesGitWithoutAKnownUsersToken() throws Exception {
        Git anonymous =
                git(work, "clone", bitbucket.url() + REPO, work.resolve("a").toString());
        assertThat(anonymous.exit()).isNotZero();
        Git wrong = git(
                work,
                "-c",
                "http.extraHeader=Authorization: Bearer not-a-bitbucket-token",
                "clone",
                bitbucket.url() + REPO,
                work.resolve("b").toString());
        assertThat(wrong.exit()).isNotZero();
    }

    @Test
    void aLinkedUserClonesWithTheirNativeTokenAndPushesOnlyWithAReadWriteToken() throws Exception {
        NativeToken nativeToken = linked("alice");
        String readOnly = token("alice", Map.of("scope", "read-only"));
        bitbucket.clear();

        Path clone = work.resolve("clone");
        Git cloned = git(work, "-c", bearer(readOnly), "clone", url(), clone.toString());
        assertThat(cloned.exit()).as(cloned.err()).isZero();
        assertThat(gits.head(clone)).isEqualTo(gits.head(bare));
        List<FakeAtlassian.Received> seen = bitbucket.received();
        assertThat(seen).anyMatch(r -> r.path().endsWith("/git-upload-pack"));
        assertThat(seen)
                .allSatisfy(r -> assertThat(r.header("Authorization")).hasValue("Bearer " + nativeToken.secret()));
        assertThat(seen.toString()).doesNotContain(readOnly);

        Files.writeString(clone.resolve("README"), "changed\n");
        require(gits.commit(clone, "second"));
        String before = gits.head(bare);
        Git refused = git(clone, "-c", bearer(readOnly), "push", url(), "HEAD:main");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err())
                .contains("remote: PATgate: this token is read-only; pushing needs a read-write token");
        assertThat(gits.head(bare)).isEqualTo(before);

        String readWrite = token("alice", Map.of("scope", "read-write"));
        Git pushed = git(clone, "push", basicUrl(readWrite), "HEAD:main");
        assertThat(pushed.exit()).as(pushed.err()).isZero();
        assertThat(gits.head(bare)).isEqualTo(gits.head(clone));
        assertThat(bitbucket.last().header("Authorization")).hasValue("Bearer " + nativeToken.secret());
    }

    @Test
    void aTokenOnTheBitbucketReadOnlyPresetClonesButCannotPush() throws Exception {
        linked("bob");
        String preset = token("bob", Map.of("scope", "read-write", "rules", Map.of("preset", "bitbucket-read-only")));

        Path clone = work.resolve("clone");
        Git cloned = git(work, "clone", basicUrl(preset), clone.toString());
        assertThat(cloned.exit()).as(cloned.err()).isZero();
        assertThat(gits.head(clone)).isEqualTo(gits.head(bare));

        Files.writeString(clone.resolve("README"), "from bob\n");
        require(gits.commit(clone, "bob's"));
        String before = gits.head(bare);
        Git refused = git(clone, "push", basicUrl(preset), "HEAD:main");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err())
                .contains("remote: PATgate: this token's rules do not allow pushing to this repository");
        assertThat(gits.head(bare)).isEqualTo(before);
    }

    @Test
    void gitShowsAUserWithoutALinkWhatToDo() throws Exception {
        node.createUser("carol", PASSWORD);
        bitbucket.addUser("carol", PASSWORD, "Carol");
        String readOnly = token("carol", Map.of("scope", "read-only"));
        int before = bitbucket.requestCount();

        Git refused = git(
                work, "-c", bearer(readOnly), "clone", url(), work.resolve("c").toString());
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err())
                .contains("remote: PATgate: your PATgate user is not linked to your Bitbucket account")
                .contains("upstream-link");
        assertThat(bitbucket.requestCount()).isEqualTo(before);
    }

    @Test
    void gitShowsABrokenLinkWhenTheNativeTokenWasRevokedInBitbucket() throws Exception {
        NativeToken nativeToken = linked("dave");
        String readOnly = token("dave", Map.of("scope", "read-only"));
        bitbucket.revokeInUi(nativeToken.id());

        Git refused = git(
                work, "-c", bearer(readOnly), "clone", url(), work.resolve("d").toString());
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("remote: PATgate: ").contains("Bitbucket refused the linked token");
        Answer status = node.call("GET", API + "/me/upstream-link", "dave", PASSWORD, null);
        assertThat(status.json().get("status").asText()).isEqualTo("broken");
    }

    // --- helpers -------------------------------------------------------------------------------

    private static NativeToken linked(String user) {
        node.createUser(user, PASSWORD);
        bitbucket.addUser(user, PASSWORD, user);
        NativeToken nativeToken = bitbucket.seedToken(user, "made in Bitbucket", Duration.ofDays(30));
        Answer linked =
                node.call("PUT", API + "/me/upstream-link", user, PASSWORD, Map.of("token", nativeToken.secret()));
        assertThat(linked.status()).as(linked.body()).isEqualTo(200);
        return nativeToken;
    }

    private static String token(String user, Map<String, Object> fields) {
        Map<String, Object> body = new java.util.HashMap<>(fields);
        body.put("name", user + "-" + System.nanoTime());
        Answer created = node.call("POST", API + "/tokens", user, PASSWORD, body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("token").asText();
    }

    private static String url() {
        return node.baseUri().toString().replaceAll("/$", "") + REPO;
    }

    private static String basicUrl(String token) {
        return GitRepos.basicUrl(node.baseUri().getPort(), REPO, token);
    }

    static Git git(Path dir, String... args) throws Exception {
        return gits.git(dir, args);
    }
}
