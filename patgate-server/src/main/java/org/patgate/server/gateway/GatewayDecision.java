package org.patgate.server.gateway;

/** What the gateway does with one request: forward it (as whom) or refuse it (how). */
public sealed interface GatewayDecision {

    /**
     * Forward upstream. {@code identity} is the token owner's username, or null for requests that
     * carry no token (anonymous, session cookie, password where allowed). {@code upstreamBearer} is the
     * owner's native upstream token to send as {@code Authorization: Bearer} (identity mode
     * {@code upstream-token}), else null; {@link #toString()} never shows it.
     */
    record Forward(
            String identity,
            String tokenId,
            boolean removeAuthorization,
            org.patgate.server.token.TokenVerifier.VerifiedToken token,
            String upstreamBearer)
            implements GatewayDecision {
        static final Forward ANONYMOUS = new Forward(null, null, false, null, null);

        /** This decision, sending {@code bearer} upstream as the owner's credential. */
        Forward withUpstreamBearer(String bearer) {
            return new Forward(identity, tokenId, true, token, bearer);
        }

        @Override
        public String toString() {
            return "Forward[identity=" + identity + ", tokenId=" + tokenId + ", removeAuthorization="
                    + removeAuthorization + ", upstreamBearer=" + (upstreamBearer == null ? "none" : "***") + "]";
        }
    }

    /**
     * Answer the client with problem+json; nothing reaches the upstream. {@code reason} is a short
     * lower-case code for counting refusals (metrics, usage), finer than the slug: {@code token-expired},
     * {@code read-only}, {@code password-blocked}, ...; by default the slug.
     */
    record Refuse(
            int status,
            String slug,
            String title,
            String detail,
            boolean bearerChallenge,
            String tokenId,
            String reason)
            implements GatewayDecision {

        public Refuse {
            java.util.Objects.requireNonNull(slug, "slug");
            reason = reason == null ? slug : reason;
        }

        public Refuse(int status, String slug, String title, String detail, boolean bearerChallenge, String tokenId) {
            this(status, slug, title, detail, bearerChallenge, tokenId, slug);
        }

        /** This refusal, counted under {@code reason}. */
        Refuse because(String reason) {
            return new Refuse(status, slug, title, detail, bearerChallenge, tokenId, reason);
        }

        static Refuse unauthorized(String detail) {
            return new Refuse(401, "unauthorized", "Unauthorized", detail, true, null);
        }

        static Refuse forbidden(String detail, String tokenId) {
            return new Refuse(403, "forbidden", "Forbidden", detail, false, tokenId);
        }

        static Refuse badRequest(String detail) {
            return new Refuse(400, "bad-request", "Bad Request", detail, false, null);
        }

        /** A method the gateway never forwards; answered with an {@code Allow} header. */
        static Refuse methodNotAllowed(String detail) {
            return new Refuse(405, "method-not-allowed", "Method Not Allowed", detail, false, null);
        }
    }
}
