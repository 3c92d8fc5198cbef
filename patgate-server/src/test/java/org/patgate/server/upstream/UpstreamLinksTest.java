package org.patgate.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.patgate.server.error.ForbiddenException;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.testing.Backend;
import org.patgate.server.upstream.NativeCredential.Unusable;
import org.patgate.server.upstream.NativeCredential.Usable;

/**
 * The link service on H2 and on a real PostgreSQL: linking pasted and minted tokens, who may link
 * what, the computed status, unlinking with upstream revocation, and users removed.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class UpstreamLinksTest extends UpstreamLinksTestBase {

    @Test
    void aPastedTokenOfTheCallerIsLinked() {
        String token = product.issue("Alice");

        UpstreamLinkView view = links.linkPasted(alice, "  " + token + "\n");

        assertThat(view.status()).isEqualTo("linked");
        assertThat(view.reason()).isNull();
        assertThat(view.kind()).isEqualTo("pasted");
        assertThat(view.upstreamUsername()).isEqualTo("Alice");
        assertThat(view.linkedAt()).isEqualTo(clock.instant());
        assertThat(view.checkedAt()).isEqualTo(clock.instant());
        assertThat(view.expiresAt()).isNull();
        assertThat(links.find(alice.userId())).contains(view);
        assertThat(links.find(bob.userId())).as("never linked").isEmpty();
        assertThat(links.credentialFor(alice.userId())).isEqualTo(new Usable(token));
        assertThat(links.credentialFor(alice.userId()).toString()).doesNotContain(token);
        assertThat(audit()).containsExactly("alice upstream-link.created alice success kind=pasted upstreamUser=Alice");
    }

    @Test
    void aTokenOfAnotherUpstreamUserIsRefusedWithoutRepeatingIt() {
        String token = product.issue("bob");

        assertThatThrownBy(() -> links.linkPasted(alice, token))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("this token belongs to bob on the upstream product, not to you (alice)")
                .message()
                .doesNotContain(token);
        assertThat(links.find(alice.userId())).isEmpty();
        assertThat(links.credentialFor(alice.userId()))
                .isEqualTo(new Unusable("missing", "no upstream account is linked"));
        assertThat(audit())
                .containsExactly("alice upstream-link.created alice failure kind=pasted: the token belongs to bob");
    }

    @Test
    void aTokenTheProductRejectsOrCannotCheckIsNotLinked() {
        assertThatThrownBy(() -> links.linkPasted(alice, "not-a-token-the-product-knows"))
                .isInstanceOf(NativeTokenRejectedException.class);
        String token = product.issue("alice");
        product.unreachable = true;
        assertThatThrownBy(() -> links.linkPasted(alice, token)).isInstanceOf(UpstreamUnavailableException.class);
        assertThatThrownBy(() -> links.linkPasted(alice, "two words"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("token: must be the native token: 1 to 1024 visible ASCII characters");
        assertThatThrownBy(() -> links.linkPasted(alice, "")).isInstanceOf(InvalidRequestException.class);

        assertThat(links.find(alice.userId())).isEmpty();
        assertThat(audit()).hasSize(2).allMatch(line -> line.contains(" failure "));
    }

    @Test
    void aMintedTokenIsLinkedAndThePasswordArrayWiped() {
        product.acceptPassword("alice", PASSWORD);
        char[] password = PASSWORD.toCharArray();

        UpstreamLinkView view = links.linkMinted(alice, password, Duration.ofDays(90));

        assertThat(password).containsOnly('\0');
        assertThat(view.status()).isEqualTo("linked");
        assertThat(view.kind()).isEqualTo("minted");
        assertThat(view.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(90)));
        assertThat(links.credentialFor(alice.userId()))
                .isEqualTo(new Usable(product.mintedSecrets().getFirst()));
        assertThatThrownBy(() -> links.linkMinted(alice, "wrong".toCharArray(), Duration.ofDays(90)))
                .isInstanceOf(NativeTokenRejectedException.class);
        assertThatThrownBy(() -> links.linkMinted(alice, PASSWORD.toCharArray(), Duration.ZERO))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(links.find(alice.userId())).contains(view);
    }

    @Test
    void statusIsExpiringInTheLastWeekAndExpiredAfter() {
        product.acceptPassword("alice", PASSWORD);
        links.linkMinted(alice, PASSWORD.toCharArray(), Duration.ofDays(30));
        Instant expiry = clock.instant().plus(Duration.ofDays(30));
        assertThat(links.find(alice.userId()).orElseThrow().status()).isEqualTo("linked");

        clock.advance(Duration.ofDays(23));
        assertThat(links.find(alice.userId()).orElseThrow().status())
                .as("8 days left")
                .isEqualTo("linked");
        clock.advance(Duration.ofDays(2));
        UpstreamLinkView expiring = links.find(alice.userId()).orElseThrow();
        assertThat(expiring.status()).isEqualTo("expiring");
        assertThat(expiring.reason()).isEqualTo("the upstream token expires at " + expiry);
        assertThat(links.credentialFor(alice.userId())).isInstanceOf(Usable.class);

        clock.set(expiry);
        UpstreamLinkView expired = links.find(alice.userId()).orElseThrow();
        assertThat(expired.status()).isEqualTo("expired");
        assertThat(expired.reason()).isEqualTo("the upstream token expired at " + expiry);
        assertThat(links.credentialFor(alice.userId()))
                .as("also from the cache")
                .isEqualTo(new Unusable("expired", "the linked upstream token expired at " + expiry));
    }

    @Test
    void unlinkRevokesUpstreamAndSaysSo() {
        product.acceptPassword("alice", PASSWORD);
        links.linkMinted(alice, PASSWORD.toCharArray(), Duration.ofDays(90));
        String minted = product.mintedSecrets().getFirst();

        UpstreamLinkView view = links.unlink(alice, alice.userId());

        assertThat(view.status()).isEqualTo("revoked");
        assertThat(view.reason()).isEqualTo("unlinked by the user");
        assertThat(view.revokedUpstream()).isTrue();
        assertThat(view.revokeNote()).isNull();
        assertThat(product.revokedTokens()).containsExactly(minted);
        assertThat(product.knows(minted)).isFalse();
        assertThat(links.credentialFor(alice.userId())).isEqualTo(new Unusable("revoked", "unlinked by the user"));
        assertThat(links.find(alice.userId()).orElseThrow().status()).isEqualTo("revoked");

        UpstreamLinkView again = links.unlink(alice, alice.userId());
        assertThat(again.revokedUpstream()).isFalse();
        assertThat(again.revokeNote()).isEqualTo("the link was already revoked");
        assertThat(product.revokedTokens()).hasSize(1);
        assertThatThrownBy(() -> links.unlink(bob, bob.userId()))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("no upstream link");
    }

    @Test
    void unlinkSaysWhyTheProductDidNotRevoke() {
        links.linkPasted(alice, product.issue("alice"));
        product.revocationAllowed = false;

        UpstreamLinkView view = links.unlink(alice, alice.userId());

        assertThat(view.status()).isEqualTo("revoked");
        assertThat(view.revokedUpstream()).isFalse();
        assertThat(view.revokeNote()).isEqualTo("the product does not let a token revoke itself");
        assertThat(audit().getLast())
                .isEqualTo("alice upstream-link.removed alice success kind=pasted revokedUpstream=false (the product"
                        + " does not let a token revoke itself)");
    }

    @Test
    void onlyAnAdministratorUnlinksSomeoneElse() {
        links.linkPasted(alice, product.issue("alice"));

        assertThatThrownBy(() -> links.unlink(bob, alice.userId())).isInstanceOf(ForbiddenException.class);
        assertThat(links.find(alice.userId()).orElseThrow().status()).isEqualTo("linked");

        UpstreamLinkView view = links.unlink(admin, alice.userId());
        assertThat(view.reason()).isEqualTo("unlinked by root");
        assertThat(view.revokedUpstream()).isTrue();
        assertThat(audit().getLast()).startsWith("root upstream-link.removed alice success");
    }

    @Test
    void relinkingRevokesTheReplacedTokenOnlyWhenPatgateMintedIt() {
        String pasted = product.issue("alice");
        links.linkPasted(alice, pasted);
        String pastedAgain = product.issue("alice");
        links.linkPasted(alice, pastedAgain);
        assertThat(product.revokedTokens())
                .as("the user's own token stays theirs")
                .isEmpty();

        product.acceptPassword("alice", PASSWORD);
        links.linkMinted(alice, PASSWORD.toCharArray(), Duration.ofDays(90));
        String minted = product.mintedSecrets().getFirst();
        assertThat(product.revokedTokens()).isEmpty();
        String last = product.issue("alice");
        links.linkPasted(alice, last);

        assertThat(product.revokedTokens()).containsExactly(minted);
        assertThat(links.credentialFor(alice.userId())).isEqualTo(new Usable(last));
        assertThat(audit().getLast()).endsWith("replaced=minted revokedUpstream=true");
    }

    @Test
    void aRemovedUserHasTheirTokenRevokedUpstream() {
        String token = product.issue("alice");
        links.linkPasted(alice, token);
        links.credentialFor(alice.userId());

        links.userRemoved(alice.userId(), "user disabled by root");
        links.userRemoved(alice.userId(), "again");
        links.userRemoved(bob.userId(), "never linked");

        assertThat(product.revokedTokens()).containsExactly(token);
        UpstreamLinkView view = links.find(alice.userId()).orElseThrow();
        assertThat(view.status()).isEqualTo("revoked");
        assertThat(view.reason()).isEqualTo("user disabled by root");
        assertThat(links.credentialFor(alice.userId())).isEqualTo(new Unusable("revoked", "user disabled by root"));
        assertThat(links.find(bob.userId())).isEmpty();
        assertThat(audit().getLast())
                .isEqualTo("system upstream-link.revoked alice success user disabled by root; revokedUpstream=true");
        assertThat(audit()).hasSize(2);
    }

    @Test
    void aRemovedUserIsRevokedEvenWhenTheProductIsDown() {
        links.linkPasted(alice, product.issue("alice"));
        product.unreachable = true;

        links.userRemoved(alice.userId(), "user deleted by root");

        assertThat(links.find(alice.userId()).orElseThrow().status()).isEqualTo("revoked");
        assertThat(audit().getLast())
                .isEqualTo("system upstream-link.revoked alice success user deleted by root; revokedUpstream=false"
                        + " (the upstream product could not be reached: connection refused)");
    }
}
