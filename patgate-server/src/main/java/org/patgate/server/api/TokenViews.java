package org.patgate.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.token.TokenRulesCodec;

/** The JSON shapes of tokens in the management API. */
final class TokenViews {

    private TokenViews() {}

    /** A token's settings and state; never its secret or digest. */
    record TokenView(
            String id,
            String name,
            String owner,
            String createdBy,
            String scope,
            List<String> allowedIps,
            TokenRulesCodec.RulesJson rules,
            String hint,
            String status,
            Instant expiresAt,
            Instant createdAt,
            Instant lastUsedAt,
            String lastUsedIp,
            String lastUsedAgent,
            Instant revokedAt,
            String revokedBy,
            Instant rotatedAt) {

        static TokenView of(TokenRecord token, Instant now) {
            return new TokenView(
                    token.id(),
                    token.name(),
                    token.ownerUsername(),
                    token.creatorUsername(),
                    token.scope().wireName(),
                    token.allowedIps(),
                    TokenRulesCodec.toView(TokenRulesCodec.fromStored(token.rulesJson())),
                    "…" + token.hint(),
                    token.effectiveStatus(now),
                    token.expiresAt(),
                    token.createdAt(),
                    token.lastUsedAt(),
                    token.lastUsedIp(),
                    token.lastUsedAgent(),
                    token.revokedAt(),
                    token.revokedByUsername(),
                    token.rotatedAt());
        }
    }

    /** The answer to create and rotate: the settings plus the secret, shown this one time. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record IssuedTokenView(
            String id,
            String name,
            String owner,
            String createdBy,
            String scope,
            List<String> allowedIps,
            TokenRulesCodec.RulesJson rules,
            String hint,
            String status,
            Instant expiresAt,
            Instant createdAt,
            Instant rotatedAt,
            String token) {

        static IssuedTokenView of(TokenRecord token, String secret, Instant now) {
            return new IssuedTokenView(
                    token.id(),
                    token.name(),
                    token.ownerUsername(),
                    token.creatorUsername(),
                    token.scope().wireName(),
                    token.allowedIps(),
                    TokenRulesCodec.toView(TokenRulesCodec.fromStored(token.rulesJson())),
                    "…" + token.hint(),
                    token.effectiveStatus(now),
                    token.expiresAt(),
                    token.createdAt(),
                    token.rotatedAt(),
                    secret);
        }

        @Override
        public String toString() {
            return "IssuedTokenView[id=" + id + ", token=******]";
        }
    }

    /** The body of {@code POST /tokens}. Unknown fields are refused by the mapper. */
    record CreateTokenBody(
            String name,
            String owner,
            String expiresAt,
            Integer expiresInDays,
            String scope,
            List<String> allowedIps,
            TokenRulesCodec.RulesJson rules,
            RateLimitsResource.RateLimitBody rateLimit) {}

    /** A page of results. */
    record PageView<T>(List<T> items, long total, int page, int size) {}
}
