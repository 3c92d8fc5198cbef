package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.FakeAccounts.NativeToken;
import org.patgate.server.testing.FakeAtlassian;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;
import org.patgate.server.testing.UpstreamTokenNode;

/**
 * {@code /.patgate/check} in identity mode {@code upstream-token}: an allowed check names the owner's
 * native token as the upstream's {@code Authorization}, and every PATgate check still applies first.
 */
@EndToEndTest
class ExternalCheckUpstreamTokenTest {

    static final String PASSWORD = "correct-horse-battery";

    @Test
    void anAllowedCheckNamesTheOwnersNativeCredentialAndARefusedOneNothing(@TempDir Path dir) throws Exception {
        try (UpstreamTokenNode started =
                UpstreamTokenNode.start(UpstreamProduct.JIRA, dir, Map.of("PATGATE_TRUSTEDPROXIES", "127.0.0.1/32"))) {
            TestServer node = started.node();
            FakeAtlassian jira = started.product();
            node.createUser("alice", PASSWORD);
            jira.addUser("alice", PASSWORD, "Alice");
            NativeToken nativeToken = jira.seedToken("alice", "made in Jira", Duration.ofDays(30));
            Answer linked = node.call(
                    "PUT",
                    "/.patgate/api/v1/me/upstream-link",
                    "alice",
                    PASSWORD,
                    Map.of("token", nativeToken.secret()));
            assertThat(linked.status()).as(linked.body()).isEqualTo(200);
            String token = node.call(
                            "POST",
                            "/.patgate/api/v1/tokens",
                            "alice",
                            PASSWORD,
                            Map.of("name", "ro", "scope", "read-only"))
                    .json()
                    .get("token")
                    .asText();

            Answer allowed = node.raw(
                    "GET",
                    ExternalCheck.PATH,
                    Map.of(
                            "X-Original-Method", "GET",
                            "X-Original-URI", "/rest/api/2/issue/PG-1",
                            "Authorization", "Bearer " + token),
                    null);
            assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
            assertThat(allowed.headers().allValues(ExternalCheck.UPSTREAM_AUTHORIZATION_HEADER))
                    .containsExactly("Bearer " + nativeToken.secret());
            assertThat(allowed.headers().allValues("X-Forwarded-User")).containsExactly("alice");
            assertThat(allowed.headers().map().toString()).doesNotContain(token);

            Answer refused = node.raw(
                    "GET",
                    ExternalCheck.PATH,
                    Map.of(
                            "X-Original-Method", "POST",
                            "X-Original-URI", "/rest/api/2/issue",
                            "Authorization", "Bearer " + token),
                    null);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.headers().map().toString()).doesNotContain(nativeToken.secret());
            assertThat(refused.body()).doesNotContain(nativeToken.secret()).doesNotContain(token);
        }
    }
}
