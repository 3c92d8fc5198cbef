package org.patgate.server.api;

import java.time.Duration;
import java.util.Arrays;
import org.patgate.server.auth.ApiAuthenticator;
import org.patgate.server.directory.UserAccounts;
import org.patgate.server.error.ConflictException;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.http.Exchange;
import org.patgate.server.principal.Principal;
import org.patgate.server.upstream.NativeTokenRejectedException;
import org.patgate.server.upstream.UpstreamLinkView;
import org.patgate.server.upstream.UpstreamLinks;

/**
 * The caller's link to their own account on a stock Jira, Confluence or Bitbucket (identity mode
 * {@code upstream-token}): {@code PUT /me/upstream-link} with a native token the user made in the
 * product ({@code {"token"}}, verified with the product to be theirs) or with their password
 * ({@code {"password"}}: PATgate mints a native token named "PATgate" with it and forgets the
 * password); {@code GET} its status; {@code DELETE} unlinks (revoking a token PATgate minted). Admins
 * see and remove anyone's link under {@code /users/{username}/upstream-link}, and bind a service
 * credential (a native token of a technical account, e.g. for a CI user) there with {@code PUT}. No answer ever holds a
 * native secret. Thread-safe.
 */
public final class UpstreamLinkResource {

    private final UpstreamLinks links;
    private final UserAccounts users;
    private final ApiAuthenticator authenticator;
    private final Duration mintedLifetime;
    private final String notInUse;

    /**
     * @param links     the links, or null when identity mode is not {@code upstream-token} (every call is
     *                  then a 409 saying so)
     * @param identityMode how this node tells the upstream who calls, for that 409
     */
    public UpstreamLinkResource(
            UpstreamLinks links,
            UserAccounts users,
            ApiAuthenticator authenticator,
            Duration mintedLifetime,
            String identityMode) {
        this.links = links;
        this.users = users;
        this.authenticator = authenticator;
        this.mintedLifetime = mintedLifetime;
        this.notInUse = "upstream account links are not used: identity.mode is " + identityMode
                + ", not upstream-token, so the upstream learns who calls from PATgate itself";
    }

    /** {@code token}: a native token made in the product; {@code password}: mint one with it. Exactly one. */
    record LinkBody(String token, char[] password) {
        @Override
        public String toString() {
            return "LinkBody[token=" + (token == null ? "none" : "***") + ", password="
                    + (password == null ? "none" : "***") + "]";
        }
    }

    /** {@code GET /me/upstream-link}. */
    void mine(Exchange exchange, Principal principal) {
        exchange.sendJson(200, find(principal.userId()));
    }

    /** {@code PUT /me/upstream-link}: link with a pasted native token or by minting one with the password. */
    void link(Exchange exchange, Principal principal) {
        UpstreamLinks links = inUse();
        LinkBody body = exchange.readJson(LinkBody.class);
        boolean hasToken = body.token() != null && !body.token().isBlank();
        boolean hasPassword = body.password() != null && body.password().length > 0;
        if (hasToken == hasPassword) {
            wipe(body.password());
            throw new InvalidRequestException(
                    "send either \"token\" (a personal access token you made in the product) or \"password\""
                            + " (your password, to have PATgate make one for you), not both or neither");
        }
        if (hasToken) {
            exchange.sendJson(200, links.linkPasted(principal, body.token().strip()));
            return;
        }
        ApiAuthenticator.PasswordAttempt attempt =
                authenticator.startAttempt(exchange.sourceIp(), principal.username());
        boolean wrong = false;
        try {
            exchange.sendJson(200, links.linkMinted(principal, body.password(), mintedLifetime));
        } catch (NativeTokenRejectedException e) {
            wrong = true;
            throw e;
        } finally {
            wipe(body.password());
            if (wrong) {
                attempt.failed();
            } else {
                attempt.notFailed();
            }
        }
    }

    /** {@code DELETE /me/upstream-link}. */
    void unlinkMine(Exchange exchange, Principal principal) {
        exchange.sendJson(200, inUse().unlink(principal, principal.userId()));
    }

    /** {@code GET /users/{username}/upstream-link} (admins). */
    void ofUser(Exchange exchange, Principal principal) {
        principal.requireAdmin("see other users' upstream account links");
        exchange.sendJson(200, find(userId(exchange, principal)));
    }

    /** {@code PUT /users/{username}/upstream-link} (admins): binds a service credential ({@code {"token"}}). */
    void bindService(Exchange exchange, Principal principal) {
        principal.requireAdmin("bind service credentials to users");
        UpstreamLinks links = inUse();
        LinkBody body = exchange.readJson(LinkBody.class);
        wipe(body.password());
        if (body.token() == null || body.token().isBlank() || body.password() != null) {
            throw new InvalidRequestException(
                    "send \"token\": a native token of the technical account on the product; a service credential"
                            + " is never made with a password");
        }
        exchange.sendJson(
                200,
                links.linkService(
                        principal, userId(exchange, principal), body.token().strip()));
    }

    /** {@code DELETE /users/{username}/upstream-link} (admins). */
    void unlinkUser(Exchange exchange, Principal principal) {
        principal.requireAdmin("remove other users' upstream account links");
        exchange.sendJson(200, inUse().unlink(principal, userId(exchange, principal)));
    }

    private UpstreamLinkView find(long userId) {
        return inUse().find(userId).orElseGet(UpstreamLinkView::unlinked);
    }

    private long userId(Exchange exchange, Principal principal) {
        return users.get(principal, exchange.decodedPathParameter("username")).id();
    }

    private UpstreamLinks inUse() {
        if (links == null) {
            throw new ConflictException(notInUse);
        }
        return links;
    }

    private static void wipe(char[] password) {
        if (password != null) {
            Arrays.fill(password, '\0');
        }
    }
}
