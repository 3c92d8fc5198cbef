package org.patgate.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.patgate.core.token.Scope;

/**
 * A stored token as the gateway and the management API see it, with the usernames of its
 * owner, creator and revoker resolved. {@code digestHex} is the lower-case hex HMAC of the
 * secret; {@link #toString()} never prints it. {@code allowedIps} holds canonical CIDRs, empty
 * meaning no IP restriction. Immutable.
 */
public record TokenRecord(
        String id,
        String digestHex,
        String hint,
        String name,
        long ownerId,
        String ownerUsername,
        long creatorId,
        String creatorUsername,
        Scope scope,
        List<String> allowedIps,
        Instant expiresAt,
        Instant createdAt,
        TokenStatus status,
        Instant revokedAt,
        String revokedByUsername,
        Instant rotatedAt,
        Instant lastUsedAt,
        String lastUsedIp,
        String lastUsedAgent,
        String rulesJson) {

    /** As the canonical constructor, for a token without fine-grained rules. */
    public TokenRecord(
            String id,
            String digestHex,
            String hint,
            String name,
            long ownerId,
            String ownerUsername,
            long creatorId,
            String creatorUsername,
            Scope scope,
            List<String> allowedIps,
            Instant expiresAt,
            Instant createdAt,
            TokenStatus status,
            Instant revokedAt,
            String revokedByUsername,
            Instant rotatedAt,
            Instant lastUsedAt,
            String lastUsedIp,
            String lastUsedAgent) {
        this(
                id,
                digestHex,
                hint,
                name,
                ownerId,
                ownerUsername,
                creatorId,
                creatorUsername,
                scope,
                allowedIps,
                expiresAt,
                createdAt,
                status,
                revokedAt,
                revokedByUsername,
                rotatedAt,
                lastUsedAt,
                lastUsedIp,
                lastUsedAgent,
                null);
    }

    public TokenRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(digestHex, "digestHex");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(status, "status");
        allowedIps = List.copyOf(Objects.requireNonNull(allowedIps, "allowedIps"));
    }

    /** True when the token has an expiry and {@code now} is at or after it. */
    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** True only when the stored status is active and the token has not expired at {@code now}. */
    public boolean isActiveAt(Instant now) {
        return status == TokenStatus.ACTIVE && !isExpiredAt(now);
    }

    /**
     * The status a person should see: {@code revoked}, {@code denied} and {@code pending} win,
     * then {@code expired}, else {@code active}.
     */
    public String effectiveStatus(Instant now) {
        if (status != TokenStatus.ACTIVE) {
            return status.wireName();
        }
        return isExpiredAt(now) ? "expired" : "active";
    }

    /** This token as a rotation to a new secret (digest and hint) at {@code at} leaves it. */
    public TokenRecord rotatedTo(String newDigestHex, String newHint, Instant at) {
        return new TokenRecord(
                id,
                newDigestHex,
                newHint,
                name,
                ownerId,
                ownerUsername,
                creatorId,
                creatorUsername,
                scope,
                allowedIps,
                expiresAt,
                createdAt,
                status,
                revokedAt,
                revokedByUsername,
                at,
                lastUsedAt,
                lastUsedIp,
                lastUsedAgent,
                rulesJson);
    }

    @Override
    public String toString() {
        return "TokenRecord[id=" + id + ", hint=" + hint + ", name=" + name + ", owner=" + ownerUsername
                + ", creator=" + creatorUsername + ", scope=" + scope + ", allowedIps=" + allowedIps
                + ", expiresAt=" + expiresAt + ", createdAt=" + createdAt + ", status=" + status.wireName()
                + ", revokedAt=" + revokedAt + ", revokedBy=" + revokedByUsername + ", rotatedAt=" + rotatedAt
                + ", lastUsedAt=" + lastUsedAt + ", lastUsedIp=" + lastUsedIp + "]";
    }
}
