package org.patgate.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.patgate.core.PatgateException;
import org.patgate.core.token.Scope;

/**
 * A token to insert. The caller chooses {@code id} (at most 32 characters) and computes
 * {@code digestHex}, the 64-character hex HMAC-SHA256 of the secret (stored lower-case).
 * {@code allowedIps} are canonical CIDRs (empty: no restriction); {@code expiresAt} may be
 * null (never expires). {@link #toString()} never prints the digest.
 */
public record NewToken(
        String id,
        String digestHex,
        String hint,
        String name,
        long ownerId,
        long creatorId,
        Scope scope,
        List<String> allowedIps,
        Instant expiresAt,
        Instant createdAt,
        TokenStatus status,
        String rulesJson) {

    /** Largest rules document the {@code rules} column holds. */
    public static final int MAX_RULES_LENGTH = 8000;

    /** As the canonical constructor, for a token without fine-grained rules. */
    public NewToken(
            String id,
            String digestHex,
            String hint,
            String name,
            long ownerId,
            long creatorId,
            Scope scope,
            List<String> allowedIps,
            Instant expiresAt,
            Instant createdAt,
            TokenStatus status) {
        this(id, digestHex, hint, name, ownerId, creatorId, scope, allowedIps, expiresAt, createdAt, status, null);
    }

    static final Pattern DIGEST = Pattern.compile("[0-9a-fA-F]{64}");
    /** Fits the comma-joined allowed_ips column. */
    static final int MAX_ALLOWED_IPS_LENGTH = 4000;

    public NewToken {
        NewUser.requireText("token id", id, 32);
        digestHex = normalizeDigest(digestHex);
        Objects.requireNonNull(hint, "hint");
        NewUser.requireLength("hint", hint, 8);
        NewUser.requireText("token name", name, 100);
        if (ownerId <= 0 || creatorId <= 0) {
            throw new PatgateException(
                    "token owner and creator ids must be positive: owner=" + ownerId + ", creator=" + creatorId);
        }
        Objects.requireNonNull(scope, "scope");
        allowedIps = List.copyOf(Objects.requireNonNull(allowedIps, "allowedIps"));
        for (String cidr : allowedIps) {
            if (cidr.isBlank() || cidr.indexOf(',') >= 0) {
                throw new PatgateException("allowed IP range '" + cidr + "' is blank or contains a comma");
            }
        }
        if (String.join(",", allowedIps).length() > MAX_ALLOWED_IPS_LENGTH) {
            throw new PatgateException("allowed IP ranges exceed " + MAX_ALLOWED_IPS_LENGTH + " characters");
        }
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(status, "status");
        NewUser.requireLength("token rules", rulesJson, MAX_RULES_LENGTH);
    }

    static String normalizeDigest(String digestHex) {
        if (digestHex == null || !DIGEST.matcher(digestHex).matches()) {
            throw new PatgateException("token digest must be 64 hex characters");
        }
        return digestHex.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "NewToken[id=" + id + ", hint=" + hint + ", name=" + name + ", ownerId=" + ownerId
                + ", creatorId=" + creatorId + ", scope=" + scope + ", allowedIps=" + allowedIps
                + ", expiresAt=" + expiresAt + ", createdAt=" + createdAt + ", status=" + status.wireName() + "]";
    }
}
