package org.patgate.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.patgate.server.config.UpstreamProduct;

/** Confluence's native accounts, against a fake Confluence at the root. */
class ConfluenceAccountsTest extends NativeAccountsContract {

    @Override
    UpstreamProduct product() {
        return UpstreamProduct.CONFLUENCE;
    }

    @Override
    String contextPath() {
        return "";
    }

    @Test
    void aWrongTokenAnsweredAsAnonymousIsRejected() {
        String wrong = "d3JvbmctdG9rZW4tZm9yLWNvbmZsdWVuY2U=";
        secrets.add(wrong);

        NativeTokenRejectedException rejected =
                failsWith(NativeTokenRejectedException.class, () -> accounts.whoAmI(wrong));

        assertThat(rejected.getMessage()).contains("anonymous");
        assertThat(product.last().path()).isEqualTo("/rest/api/user/current");
    }

    @Test
    void revokingWithTheTokenItselfMakesItUnusable() {
        MintedNativeToken minted = accounts.mint("alice", PASSWORD.toCharArray(), "PATgate", Duration.ofDays(30));
        secrets.add(minted.secret());

        assertThat(accounts.revoke("alice", minted.id(), minted.secret()).revoked())
                .isTrue();

        failsWith(NativeTokenRejectedException.class, () -> accounts.whoAmI(minted.secret()));
        assertThat(product.tokensOf("alice")).isEmpty();
    }
}
