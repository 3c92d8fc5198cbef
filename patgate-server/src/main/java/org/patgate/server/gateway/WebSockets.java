package org.patgate.server.gateway;

import java.util.Locale;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.patgate.core.token.Scope;

/**
 * WebSocket upgrades made with a token. Once open, a WebSocket carries messages both ways that
 * PATgate does not look into, and products write through them (Confluence's collaborative editing
 * saves pages over one). So the upgrade needs what a write needs: a read-only token may not open
 * one, and a token with rules only where they allow {@code POST} to the same path. Other checks
 * (IP ranges, expiry, ...) have already passed for the {@code GET} itself. Stateless.
 */
final class WebSockets {

    private WebSockets() {}

    /** {@code GET} with an {@code Upgrade} header naming {@code websocket} (any case). */
    static boolean isUpgrade(String method, HttpFields headers) {
        if (!"GET".equals(method)) {
            return false;
        }
        for (HttpField field : headers) {
            if (field.getHeader() == HttpHeader.UPGRADE
                    && field.getValue().toLowerCase(Locale.ROOT).contains("websocket")) {
                return true;
            }
        }
        return false;
    }

    /** The decision for an upgrade that the token's {@code GET} decision allowed. */
    static GatewayDecision decide(
            AccessDecider decider, AccessDecider.RequestFacts facts, GatewayDecision.Forward allowed) {
        if (allowed.token().scope() == Scope.READ_ONLY) {
            return GatewayDecision.Refuse.forbidden(
                            "a read-only token cannot open a WebSocket: its messages can change data; use a read-write token",
                            allowed.tokenId())
                    .because("read-only");
        }
        AccessDecider.RequestFacts asWrite = new AccessDecider.RequestFacts(
                "POST",
                facts.normalizedPath(),
                facts.client(),
                facts.credentials(),
                facts.methodOverride(),
                facts.contentType(),
                facts.rawQuery());
        if (decider.decide(asWrite) instanceof GatewayDecision.Refuse refused) {
            return GatewayDecision.Refuse.forbidden(
                            "opening a WebSocket needs what a write needs, and this token may not write here ("
                                    + refused.detail() + ")",
                            allowed.tokenId())
                    .because(refused.reason());
        }
        return allowed;
    }
}
