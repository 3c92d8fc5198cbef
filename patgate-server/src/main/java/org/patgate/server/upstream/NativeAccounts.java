package org.patgate.server.upstream;

import java.time.Duration;

/**
 * The native account API of the upstream product: who a native token belongs to, minting a native
 * token with the user's own password, and revoking one. One implementation per product (Jira and
 * Confluence personal access tokens, Bitbucket HTTP access tokens). Implementations are thread-safe
 * and never put a secret (password or native token) in an exception message or a log line.
 */
public interface NativeAccounts {

    /**
     * Who the native token authenticates as.
     *
     * @throws NativeTokenRejectedException the product does not accept the token (unknown, expired,
     *                                      revoked, or it authenticates nobody)
     * @throws UpstreamUnavailableException the product could not be asked (connection, timeout, 5xx,
     *                                      an answer that is not what the product sends)
     */
    NativeAccount whoAmI(String nativeToken);

    /**
     * Mints a native token named {@code name} for {@code username}, authenticated with their password
     * (HTTP Basic), valid for {@code lifetime} (or less when the product caps it). The password array
     * is not kept.
     *
     * @throws NativeTokenRejectedException the product refused the username and password (401/403)
     * @throws UpstreamUnavailableException the product could not be asked or refused for another reason
     */
    MintedNativeToken mint(String username, char[] password, String name, Duration lifetime);

    /**
     * Revokes a native token upstream, authenticated as its owner with the native token itself where
     * the product allows it.
     *
     * @return whether the product confirmed the revocation, or why it could not be done
     */
    RevocationOutcome revoke(String username, String nativeTokenId, String nativeToken);

    /** The result of {@link #revoke}: {@code revoked} true when the product confirmed it, else why not. */
    record RevocationOutcome(boolean revoked, String reason) {
        public static RevocationOutcome done() {
            return new RevocationOutcome(true, null);
        }

        public static RevocationOutcome notDone(String reason) {
            return new RevocationOutcome(false, reason);
        }
    }
}
