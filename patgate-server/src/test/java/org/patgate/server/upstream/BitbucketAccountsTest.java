package org.patgate.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.testing.FakeAtlassian.Received;
import org.patgate.server.testing.FakeBitbucket;

/** Bitbucket's native accounts, against a fake Bitbucket under {@code /bitbucket}. */
class BitbucketAccountsTest extends NativeAccountsContract {

    @Override
    UpstreamProduct product() {
        return UpstreamProduct.BITBUCKET;
    }

    @Override
    String contextPath() {
        return "/bitbucket";
    }

    @Test
    void mintingPutsAUserTokenWithTheUsersOwnAccessLevel() {
        MintedNativeToken minted = accounts.mint("alice", PASSWORD.toCharArray(), "PATgate", Duration.ofDays(30));

        Received put = product.last();
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.path()).isEqualTo("/rest/access-tokens/latest/users/" + FakeBitbucket.slug("alice"));
        assertThat(minted.id()).hasSize(12);
    }

    @Test
    void revokingCannotBeDoneWithTheTokenAndSaysWhere() {
        MintedNativeToken minted = accounts.mint("alice", PASSWORD.toCharArray(), "PATgate", Duration.ofDays(30));
        int before = product.requestCount();

        NativeAccounts.RevocationOutcome outcome = accounts.revoke("alice", minted.id(), minted.secret());

        assertThat(outcome.revoked()).isFalse();
        assertThat(outcome.reason()).contains("HTTP access tokens").doesNotContain(minted.secret());
        assertThat(product.requestCount()).isEqualTo(before);
        assertThat(accounts.whoAmI(minted.secret()).username()).isEqualTo("alice");
    }

    @Test
    void aTokenCannotMintTokensInTheProduct() throws Exception {
        MintedNativeToken minted = accounts.mint("alice", PASSWORD.toCharArray(), "PATgate", Duration.ofDays(30));

        java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(product.url() + "/rest/access-tokens/latest/users/alice"))
                                .header("Authorization", "Bearer " + minted.secret())
                                .header("Content-Type", "application/json")
                                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                                        "{\"name\":\"x\",\"permissions\":[\"REPO_READ\"]}"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("X-AUSERNAME")).contains("alice");
        assertThat(product.tokensOf("alice")).hasSize(1);
    }
}
