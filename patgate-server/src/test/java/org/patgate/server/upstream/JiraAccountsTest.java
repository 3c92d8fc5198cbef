package org.patgate.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.testing.FakeAccounts.NativeToken;
import org.patgate.server.testing.FakeJira;

/** Jira's native accounts, against a fake Jira under {@code /jira}. */
class JiraAccountsTest extends NativeAccountsContract {

    @Override
    UpstreamProduct product() {
        return UpstreamProduct.JIRA;
    }

    @Override
    String contextPath() {
        return "/jira";
    }

    @Test
    void callsStayUnderTheContextPath() {
        NativeToken token = seed("alice", Duration.ofDays(30));

        accounts.whoAmI(token.secret());

        assertThat(product.last().path()).isEqualTo("/rest/api/2/myself");
        assertThat(product.last().header("X-Atlassian-Token")).contains("no-check");
    }

    @Test
    void revokingWithTheTokenItselfMakesItUnusable() {
        MintedNativeToken minted = accounts.mint("alice", PASSWORD.toCharArray(), "PATgate", Duration.ofDays(30));
        secrets.add(minted.secret());

        assertThat(accounts.revoke("alice", minted.id(), minted.secret()))
                .isEqualTo(NativeAccounts.RevocationOutcome.done());

        assertThat(product.last().method()).isEqualTo("DELETE");
        assertThat(product.last().path()).isEqualTo("/rest/pat/latest/tokens/" + minted.id());
        failsWith(NativeTokenRejectedException.class, () -> accounts.whoAmI(minted.secret()));
    }

    @Test
    void revokingWhenTheProductWantsThePasswordSaysWhyNot() {
        ((FakeJira) product).tokensManagedWithBearer(false);
        MintedNativeToken minted = accounts.mint("alice", PASSWORD.toCharArray(), "PATgate", Duration.ofDays(30));

        NativeAccounts.RevocationOutcome outcome = accounts.revoke("alice", minted.id(), minted.secret());

        assertThat(outcome.revoked()).isFalse();
        assertThat(outcome.reason())
                .contains("403", "password", "Personal Access Tokens")
                .doesNotContain(minted.secret());
        assertThat(accounts.whoAmI(minted.secret()).username()).isEqualTo("alice");
    }

    @Test
    void revokingATokenAlreadyRevokedSaysWhyNot() {
        NativeToken token = seed("alice", Duration.ofDays(30));
        product.revokeInUi(token.id());

        NativeAccounts.RevocationOutcome outcome = accounts.revoke("alice", token.id(), token.secret());

        assertThat(outcome.revoked()).isFalse();
        assertThat(outcome.reason()).contains("revoked already").doesNotContain(token.secret());
    }

    @Test
    void aCaptchaAfterFailedLoginsIsRejectedSayingHowToClearIt() {
        secrets.add("guess");
        for (int i = 0; i < FakeJira.DEFAULT_CAPTCHA_AFTER; i++) {
            failsWith(
                    NativeTokenRejectedException.class,
                    () -> accounts.mint("alice", "guess".toCharArray(), "PATgate", Duration.ofDays(30)));
        }

        NativeTokenRejectedException captcha = failsWith(
                NativeTokenRejectedException.class,
                () -> accounts.mint("alice", PASSWORD.toCharArray(), "PATgate", Duration.ofDays(30)));

        assertThat(captcha.getMessage()).contains("CAPTCHA", "browser");
        product.accounts().solveCaptcha("alice");
        assertThat(accounts.mint("alice", PASSWORD.toCharArray(), "PATgate", Duration.ofDays(30))
                        .secret())
                .isNotBlank();
    }

    @Test
    void expiringAtIsReadWithOrWithoutTheOffsetsColon() {
        Instant expected = Instant.parse("2026-07-26T07:54:49.016Z");

        assertThat(PersonalAccessTokenApi.instant("2026-07-26T09:54:49.016+02:00"))
                .isEqualTo(expected);
        assertThat(PersonalAccessTokenApi.instant("2026-07-26T09:54:49.016+0200"))
                .isEqualTo(expected);
        assertThat(PersonalAccessTokenApi.instant("2026-07-26T07:54:49.016Z")).isEqualTo(expected);
        assertThat(PersonalAccessTokenApi.instant("next tuesday")).isNull();
    }

    @Test
    void aGenericUpstreamHasNoNativeAccounts() {
        assertThatThrownBy(() ->
                        AtlassianAccounts.forProduct(UpstreamProduct.GENERIC, URI.create(product.url()), CONNECT, READ))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "identity.mode upstream-token needs upstream.product jira, confluence or bitbucket");
    }
}
