package org.patgate.server.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A user's stored link to their native account on the upstream product ({@code upstream_links}):
 * the kind of link, the native token's id on the product (null when unknown), the upstream
 * username, the encrypted token (key id, base64 nonce and ciphertext; all null once revoked), when
 * the token expires (null: unknown or never), the stored status and its reason, and when the link
 * was made, changed and last checked with the product. {@link #toString()} leaves out the
 * ciphertext.
 */
public record UpstreamLinkRecord(
        long userId,
        String kind,
        String nativeTokenId,
        String upstreamUsername,
        String keyId,
        String nonce,
        String ciphertext,
        Instant expiresAt,
        String status,
        String reason,
        Instant createdAt,
        Instant updatedAt,
        Instant checkedAt) {

    public static final String KIND_PASTED = "pasted";
    public static final String KIND_MINTED = "minted";
    public static final String KIND_SERVICE = "service";
    public static final String STATUS_LINKED = "linked";
    public static final String STATUS_BROKEN = "broken";
    public static final String STATUS_REVOKED = "revoked";

    private static final Set<String> KINDS = Set.of(KIND_PASTED, KIND_MINTED, KIND_SERVICE);
    private static final Set<String> STATUSES = Set.of(STATUS_LINKED, STATUS_BROKEN, STATUS_REVOKED);

    public UpstreamLinkRecord {
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("unknown link kind " + kind);
        }
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("unknown link status " + status);
        }
        Objects.requireNonNull(upstreamUsername, "upstreamUsername");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        boolean sealed = keyId != null && nonce != null && ciphertext != null;
        boolean empty = keyId == null && nonce == null && ciphertext == null;
        if (STATUS_REVOKED.equals(status) ? !empty : !sealed) {
            throw new IllegalArgumentException("a " + status + " link " + (empty ? "needs" : "keeps no") + " a secret");
        }
    }

    /** Whether the encrypted token is still kept (every status but revoked). */
    public boolean hasSecret() {
        return ciphertext != null;
    }

    @Override
    public String toString() {
        return "UpstreamLinkRecord[userId=" + userId + ", kind=" + kind + ", nativeTokenId=" + nativeTokenId
                + ", upstreamUsername=" + upstreamUsername + ", keyId=" + keyId + ", expiresAt=" + expiresAt
                + ", status=" + status + ", reason=" + reason + ", createdAt=" + createdAt + ", updatedAt="
                + updatedAt + ", checkedAt=" + checkedAt + "]";
    }
}
