package org.patgate.server.gateway;

import java.util.function.BiConsumer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.patgate.server.ratelimit.RateLimiter;
import org.patgate.server.ratelimit.Usage;

/**
 * The rate-limit count of an allowed request and the fields the gate adds to its answer, whatever
 * answers it: {@code RateLimit-Policy} and {@code RateLimit} (draft-ietf-httpapi-ratelimit-headers)
 * for a limited token, {@code Retry-After} on its {@code 429}, and {@code PATgate-Token-Expires} on
 * forwarded answers when {@code tokens.expiresHeader} is on. Thread-safe.
 */
final class AnswerFields {

    static final String TOKEN_EXPIRES_FIELD = "PATgate-Token-Expires";

    private final RateLimiter limiter;
    private final boolean expiresHeader;

    /** @param limiter counts requests of tokens with a rate limit, or null to count none */
    AnswerFields(RateLimiter limiter, boolean expiresHeader) {
        this.limiter = limiter;
        this.expiresHeader = expiresHeader;
    }

    /**
     * Counts an allowed request of a limited token, once: never on {@link AccessDecider.Pass#AGAIN} (an
     * open WebSocket decided again). The gate calls it last, so only a request every other check let
     * through counts, and a request retried after FROM_MEMORY gave up counted nothing before.
     *
     * @return the token's standing after this request, or null when nothing was counted
     */
    Usage count(GatewayDecision decision, AccessDecider.Pass pass) {
        if (limiter == null
                || pass == AccessDecider.Pass.AGAIN
                || !(decision instanceof GatewayDecision.Forward allowed)
                || allowed.token() == null
                || allowed.token().rateLimit() == null) {
            return null;
        }
        return limiter.consume(allowed.token().rateLimit());
    }

    /** The {@code 429} for a request {@code usage} did not allow. */
    static GatewayDecision.Refuse refusal(Usage usage, GatewayDecision.Forward allowed) {
        return new GatewayDecision.Refuse(
                        429, "rate-limited", "Too Many Requests", usage.refusalDetail(), false, allowed.tokenId())
                .because("rate-limited");
    }

    void answerHeaders(GatewayGate.Verdict verdict, BiConsumer<String, String> into) {
        Usage usage = verdict.usage();
        if (usage != null) {
            into.accept(Usage.POLICY_FIELD, usage.policyField());
            into.accept(Usage.LIMIT_FIELD, usage.limitField());
        }
        if (namesExpiry(verdict)) {
            into.accept(
                    TOKEN_EXPIRES_FIELD,
                    ((GatewayDecision.Forward) verdict.decision())
                            .token()
                            .expiresAt()
                            .toString());
        }
    }

    boolean hasAnswerHeaders(GatewayGate.Verdict verdict) {
        return verdict.usage() != null || namesExpiry(verdict);
    }

    private boolean namesExpiry(GatewayGate.Verdict verdict) {
        return expiresHeader
                && verdict.decision() instanceof GatewayDecision.Forward forward
                && forward.token() != null
                && forward.token().expiresAt() != null;
    }

    RefusalAnswer.Answer withAnswerHeaders(
            GatewayGate.Verdict verdict, GatewayDecision.Refuse refuse, RefusalAnswer.Answer plain) {
        Usage usage = verdict.usage();
        if (usage == null) {
            return plain;
        }
        HttpFields.Mutable headers = HttpFields.build(plain.headers());
        answerHeaders(verdict, headers::add);
        if (refuse.status() == 429) {
            headers.put(HttpHeader.RETRY_AFTER, Long.toString(usage.retryAfterSeconds())); // RFC 9110 §10.2.3
        }
        return new RefusalAnswer.Answer(plain.status(), headers, plain.body());
    }
}
