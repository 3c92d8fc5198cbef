package org.patgate.server.upstream;

import org.patgate.core.PatgateException;
import org.patgate.server.store.UpstreamLinkRecord;
import org.patgate.server.upstream.NativeAccounts.RevocationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revokes stored native tokens on the upstream product, best effort: never throws, and says why
 * when it could not (a shared service credential, a token this node cannot decrypt, a product that
 * refuses or does not answer). Thread-safe.
 */
final class NativeRevocations {

    private static final Logger LOG = LoggerFactory.getLogger(NativeRevocations.class);

    private final CredentialCipher cipher;
    private final NativeAccounts accounts;

    NativeRevocations(CredentialCipher cipher, NativeAccounts accounts) {
        this.cipher = cipher;
        this.accounts = accounts;
    }

    /** Revokes a stored link's token upstream; never throws. */
    RevocationOutcome revoke(UpstreamLinkRecord link) {
        if (UpstreamLinkRecord.KIND_SERVICE.equals(link.kind())) {
            return RevocationOutcome.notDone("a service credential is shared and is not revoked");
        }
        String token;
        try {
            token = cipher.decrypt(sealedOf(link), link.userId(), link.kind());
        } catch (CredentialDecryptionException e) {
            LOG.warn("{}", e.getMessage());
            return RevocationOutcome.notDone(
                    "the stored token cannot be decrypted on this node; revoke it on the upstream product");
        }
        return revoke(link.upstreamUsername(), link.nativeTokenId(), token);
    }

    RevocationOutcome revoke(String upstreamUsername, String nativeTokenId, String token) {
        try {
            RevocationOutcome outcome = accounts.revoke(upstreamUsername, nativeTokenId, token);
            return outcome == null ? RevocationOutcome.notDone("the upstream product did not answer") : outcome;
        } catch (PatgateException e) {
            return RevocationOutcome.notDone(e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn(
                    "Revoking an upstream token of {} failed: {}",
                    upstreamUsername,
                    e.getClass().getSimpleName());
            return RevocationOutcome.notDone("revoking failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    static String detail(RevocationOutcome outcome) {
        return outcome.revoked() ? "revokedUpstream=true" : "revokedUpstream=false (" + outcome.reason() + ")";
    }

    private static CredentialCipher.Sealed sealedOf(UpstreamLinkRecord link) {
        return new CredentialCipher.Sealed(link.keyId(), link.nonce(), link.ciphertext());
    }
}
