package org.patgate.server.gateway;

/** What the gateway does with one request: forward it (as whom) or refuse it (how). */
public sealed interface GatewayDecision {

    /**
     * Forward upstream. {@code identity} is the token owner's username, or null for requests that
     * carry no token (anonymous, session cookie, password where allowed).
     */
    record Forward(
            String identity,
            String tokenId,
            boolean removeAuthorization,
            org.patgate.server.token.TokenVerifier.VerifiedToken token)
            implements GatewayDecision {
        static final Forward ANONYMOUS = new Forward(null, null, false, null);
    }

    /** Answer the client with problem+json; nothing reaches the upstream. */
    record Refuse(int status, String slug, String title, String detail, boolean bearerChallenge, String tokenId)
            implements GatewayDecision {

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
