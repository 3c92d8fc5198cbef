package org.patgate.server.token;

import java.time.Clock;
import java.time.Instant;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.error.ConflictException;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Change;
import org.patgate.server.store.Database;
import org.patgate.server.store.TokenRecord;

/**
 * Rotates tokens: a new secret for the same settings, the old secret stopping at once. Of two
 * concurrent rotations of one token only one wins. Audited as {@code token.rotate}. Thread-safe.
 */
public final class TokenRotation {

    private final Database database;
    private final TokenQueries queries;
    private final TokenSecrets secrets;
    private final TokenVerifier verifier;
    private final AuditLog audit;
    private final Clock clock;

    public TokenRotation(
            Database database,
            TokenQueries queries,
            TokenSecrets secrets,
            TokenVerifier verifier,
            AuditLog audit,
            Clock clock) {
        this.database = database;
        this.queries = queries;
        this.secrets = secrets;
        this.verifier = verifier;
        this.audit = audit;
        this.clock = clock;
    }

    /** Issues a new secret for the same settings; the old secret stops working immediately. */
    public IssuedToken rotate(Principal actor, String sourceIp, String id) {
        TokenRecord token = queries.get(actor, id);
        String state = token.effectiveStatus(TokenQueries.now(clock));
        if (!state.equals("active")) {
            audit.failure(actor.username(), "token.rotate", id, sourceIp, "token is " + state);
            throw new ConflictException("token " + id + " is " + state + " and cannot be rotated");
        }
        String secret = secrets.newSecret();
        String digest = secrets.digestHex(secret);
        String hint = TokenSecrets.hintOf(secret);
        Instant at = TokenQueries.now(clock);
        database.inTransaction("rotate token " + id, () -> {
            // Compare-and-set on the digest read above: of two concurrent rotations only one wins, so no
            // caller is handed a secret that another rotation overwrote in the same instant.
            if (!database.tokens().rotate(id, token.digestHex(), digest, hint, at)) {
                throw new ConflictException("token " + id + " changed while rotating; try again");
            }
            // The old digest: other nodes forget what they cached under it.
            database.changes().record(Change.Kind.TOKEN, token.digestHex());
            audit.success(actor.username(), "token.rotate", id, sourceIp, "owner=" + token.ownerUsername());
        });
        verifier.invalidate(token.digestHex());
        // Described as this rotation left it (a re-read could already show a later rotation's hint).
        return new IssuedToken(token.rotatedTo(digest, hint, at), secret);
    }
}
