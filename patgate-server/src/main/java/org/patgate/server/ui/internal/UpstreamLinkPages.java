package org.patgate.server.ui.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.principal.Principal;
import org.patgate.server.upstream.NativeTokenRejectedException;
import org.patgate.server.upstream.UpstreamLinkView;
import org.patgate.server.upstream.UpstreamLinks;
import org.patgate.server.upstream.UpstreamUnavailableException;

/**
 * {@code /.patgate/upstream-link}: the signed-in user's link to their account on the upstream
 * product (identity mode {@code upstream-token}): its status, linking by pasting a native token or
 * by having one made with the password (after the consent text), and unlinking. The page does not
 * exist in other modes. Failures the user can fix are shown as a banner on the page; secrets are
 * never echoed back. Thread-safe.
 */
public final class UpstreamLinkPages {

    public static final String PATH = "/.patgate/upstream-link";

    private final UpstreamLinks links;
    private final String product;
    private final Duration lifetime;

    /**
     * @param links    the links, or null when identity mode is not {@code upstream-token}
     * @param product  the product's name as users know it (Jira, Confluence, Bitbucket)
     * @param lifetime how long a native token made with the password is asked to live
     */
    public UpstreamLinkPages(UpstreamLinks links, String product, Duration lifetime) {
        this.links = links;
        this.product = product;
        this.lifetime = lifetime;
    }

    /** The product's name as its users know it: Jira, Confluence, Bitbucket. */
    public static String productName(UpstreamProduct product) {
        return switch (product) {
            case JIRA -> "Jira";
            case CONFLUENCE -> "Confluence";
            case BITBUCKET -> "Bitbucket";
            default -> "upstream";
        };
    }

    /** Whether the page exists (identity mode {@code upstream-token}). */
    public boolean enabled() {
        return links != null;
    }

    /** The product's name, or null when the page does not exist. */
    public String product() {
        return links == null ? null : product;
    }

    /** Whether the user's PATgate tokens cannot reach the product for want of a working link. */
    public boolean needsLink(Principal principal) {
        if (links == null || principal == null) {
            return false;
        }
        return links.find(principal.userId())
                .map(view -> !view.status().equals("linked") && !view.status().equals("expiring"))
                .orElse(true);
    }

    /** The link status of a user as the admin pages show it; null when the page does not exist. */
    public UpstreamLinkView linkOf(long userId) {
        return links == null ? null : links.find(userId).orElse(null);
    }

    /** Removes a user's link as an administrator; null when the page does not exist. */
    public UpstreamLinkView unlinkAsAdmin(Principal admin, long userId) {
        if (links == null) {
            throw new NotFoundException("no such page");
        }
        return links.unlink(admin, userId);
    }

    public void handle(UiExchange exchange) {
        if (links == null) {
            throw new NotFoundException(
                    "no page " + exchange.request().getHttpURI().getPath());
        }
        var segments = exchange.segments();
        String method = exchange.method();
        if (segments.size() == 1 && !method.equals("POST")) {
            show(exchange, 200, null, null);
            return;
        }
        if (segments.size() != 2 || !method.equals("POST")) {
            throw new NotFoundException("no such page");
        }
        switch (segments.get(1)) {
            case "paste" -> paste(exchange);
            case "mint" -> mint(exchange);
            case "unlink" -> unlink(exchange);
            default -> throw new NotFoundException("no such page");
        }
    }

    private void paste(UiExchange exchange) {
        String token = exchange.field("token");
        if (token == null || token.isBlank()) {
            show(exchange, 400, "Paste the personal access token you created in " + product + ".", null);
            return;
        }
        try {
            links.linkPasted(exchange.principal(), token.strip());
            show(exchange, 200, null, "Your " + product + " account is linked.");
        } catch (NativeTokenRejectedException e) {
            show(exchange, 400, product + " does not accept this token: it may be mistyped, expired or revoked.", null);
        } catch (UpstreamUnavailableException e) {
            show(exchange, 502, unreachable(), null);
        } catch (InvalidRequestException e) {
            show(exchange, 400, sentence(e.getMessage()), null);
        }
    }

    private void mint(UiExchange exchange) {
        String password = exchange.field("password");
        if (password == null || password.isEmpty()) {
            show(exchange, 400, "Type your password to let PATgate create a token for you.", null);
            return;
        }
        if (!"yes".equals(exchange.field("consent"))) {
            show(exchange, 400, "Confirm that PATgate may sign in to " + product + " as you.", null);
            return;
        }
        try {
            links.linkMinted(exchange.principal(), password.toCharArray(), lifetime);
            show(
                    exchange,
                    200,
                    null,
                    "PATgate created a personal access token named \"" + UpstreamLinks.MINTED_TOKEN_NAME + "\" in "
                            + product + " and linked your account.");
        } catch (NativeTokenRejectedException e) {
            show(
                    exchange,
                    400,
                    product + " refused the sign-in: the password is wrong, or " + product
                            + " asks for more than a password (for example a CAPTCHA after failed attempts).",
                    null);
        } catch (UpstreamUnavailableException e) {
            show(exchange, 502, unreachable(), null);
        } catch (InvalidRequestException e) {
            show(exchange, 400, sentence(e.getMessage()), null);
        }
    }

    private void unlink(UiExchange exchange) {
        Principal me = exchange.principal();
        if (links.find(me.userId()).isEmpty()) {
            show(exchange, 404, "Your account is not linked.", null);
            return;
        }
        UpstreamLinkView after = links.unlink(me, me.userId());
        String revoked = Boolean.TRUE.equals(after.revokedUpstream())
                ? product + " revoked the token."
                : product + " did not revoke the token"
                        + (after.revokeNote() == null ? "" : " (" + after.revokeNote() + ")")
                        + "; revoke it yourself in " + product + " under Profile → Personal Access Tokens.";
        show(exchange, 200, null, "Unlinked. " + revoked);
    }

    private String unreachable() {
        return product + " could not be reached. Nothing was changed; try again in a moment.";
    }

    private static String sentence(String message) {
        if (message == null || message.isEmpty()) {
            return "The request was not accepted.";
        }
        String s = Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }

    private void show(UiExchange exchange, int status, String error, String notice) {
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell("Link your " + product + " account", "upstream-link"));
        params.put("product", product);
        params.put(
                "link", LinkStatus.of(links.find(exchange.principal().userId()).orElse(null)));
        params.put("lifetimeDays", lifetime.toDays());
        params.put("tokenName", UpstreamLinks.MINTED_TOKEN_NAME);
        params.put("error", error);
        params.put("notice", notice);
        exchange.html(status, "upstream_link.jte", params);
    }

    /** A link as the pages show it: status word, reason and dates, or "not linked". */
    public record LinkStatus(
            String status, String reason, String kind, String upstreamUsername, String linkedAt, String expiresAt) {

        static LinkStatus of(UpstreamLinkView view) {
            if (view == null) {
                return new LinkStatus("not linked", "you have not linked your account yet", null, null, null, null);
            }
            return new LinkStatus(
                    view.status(),
                    view.reason(),
                    view.kind(),
                    view.upstreamUsername(),
                    Views.time(view.linkedAt()),
                    view.expiresAt() == null ? "never (or unknown)" : Views.time(view.expiresAt()));
        }

        /** Whether PATgate tokens reach the product with this link. */
        public boolean working() {
            return status.equals("linked") || status.equals("expiring");
        }
    }
}
