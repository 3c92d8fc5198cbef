package org.patgate.server.gateway;

import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.upstream.NativeCredential;
import org.patgate.server.upstream.UpstreamLinks;

/**
 * Identity mode {@code upstream-token}: once every PATgate check has passed, the token owner's native
 * upstream token (from their {@linkplain UpstreamLinks link}) replaces the client's credential. An
 * owner without a working link is refused here, before the upstream, with a problem that says what
 * to do; when the product answers 401 to the native token, the link is marked broken and the client
 * gets the same kind of answer instead of the product's bare 401. Requests without a PATgate token
 * (a session cookie, anonymous access where allowed) are forwarded unchanged. Thread-safe.
 */
public final class NativeCredentialSwap {

    /** Where a user links or renews: the web UI and the management API of this node. */
    private static final String WHERE_TO_LINK = "in the PATgate web UI (/.patgate/, \"Link your %1$s account\")"
            + " or with PUT /.patgate/api/v1/me/upstream-link {\"token\": \"<a personal access token made in %1$s>\"}";

    private final UpstreamLinks links;
    private final String product;

    public NativeCredentialSwap(UpstreamLinks links, UpstreamProduct product) {
        this.links = links;
        this.product = productName(product);
    }

    /** The forward with the owner's native credential, or the refusal saying why there is none. */
    public GatewayDecision apply(GatewayDecision.Forward forward) {
        if (forward.token() == null) {
            return forward;
        }
        return switch (links.credentialFor(forward.token().ownerId())) {
            case NativeCredential.Usable usable -> forward.withUpstreamBearer(usable.bearerToken());
            case NativeCredential.Unusable unusable -> refusal(unusable, forward);
        };
    }

    /** Whether {@link #apply} would answer from memory, without reading the store. */
    boolean answersFromMemory(GatewayDecision.Forward forward) {
        return forward.token() == null
                || links.answersFromMemory(forward.token().ownerId());
    }

    /** The product answered 401 to the native token of {@code forward}'s owner: the link is broken. */
    GatewayDecision.Refuse rejectedUpstream(GatewayDecision.Forward forward) {
        String reason = product + " refused the linked token (it expired or was revoked in " + product + ")";
        links.markBroken(forward.token().ownerId(), reason);
        return broken(reason, forward);
    }

    private GatewayDecision.Refuse refusal(NativeCredential.Unusable unusable, GatewayDecision.Forward forward) {
        if ("missing".equals(unusable.status())) {
            return new GatewayDecision.Refuse(
                    403,
                    "upstream-link-missing",
                    "Upstream Account Not Linked",
                    "your PATgate user is not linked to your " + product + " account yet, so PATgate cannot act as"
                            + " you in " + product + ": link it " + WHERE_TO_LINK.formatted(product),
                    false,
                    forward.tokenId());
        }
        String reason = unusable.reason() == null ? "it is " + unusable.status() : unusable.reason();
        return broken(reason, forward);
    }

    private GatewayDecision.Refuse broken(String reason, GatewayDecision.Forward forward) {
        // A token PATgate made with the user's password is made anew at their next password sign-in.
        String renew = links.renewsAtSignIn(forward.token().ownerId())
                ? "sign in at /.patgate/ with your password to renew it, or link it again "
                : "link it again ";
        return new GatewayDecision.Refuse(
                403,
                "upstream-link-broken",
                "Upstream Account Link Broken",
                "your " + product + " account link does not work: " + reason + "; " + renew
                        + WHERE_TO_LINK.formatted(product),
                false,
                forward.tokenId());
    }

    private static String productName(UpstreamProduct product) {
        return switch (product) {
            case JIRA -> "Jira";
            case CONFLUENCE -> "Confluence";
            case BITBUCKET -> "Bitbucket";
            case GENERIC ->
                throw new IllegalArgumentException(
                        "identity.mode upstream-token needs upstream.product jira, confluence or bitbucket");
        };
    }
}
