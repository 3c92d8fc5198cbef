package org.patgate.server.token;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.patgate.server.directory.Directories;
import org.patgate.server.store.Database;
import org.patgate.server.store.TokenDecisionRecord;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.store.TokenStatus;
import org.patgate.server.store.UserRecord;

/**
 * What a token's detail view says about its state, the same in the API and the web UI: the approval
 * decision on it, and why it does not work right now, in words for its owner. Covers the owner's
 * state too: a token of a disabled user, or of one who lost use-tokens, is stopped. Read-only;
 * thread-safe.
 */
public final class TokenStatusDetails {

    private final Database database;
    private final Directories directory;
    private final Clock clock;

    public TokenStatusDetails(Database database, Directories directory, Clock clock) {
        this.database = database;
        this.directory = directory;
        this.clock = clock;
    }

    /** Why {@code token} does not work right now; null when it works. */
    public String statusReason(TokenRecord token) {
        Instant now = TokenQueries.now(clock);
        return switch (token.effectiveStatus(now)) {
            case "revoked" ->
                "revoked" + (token.revokedByUsername() == null ? "" : " by " + token.revokedByUsername())
                        + (token.revokedAt() == null ? "" : " at " + token.revokedAt());
            case "expired" -> "expired at " + token.expiresAt();
            case "pending" -> "waiting for an administrator's approval";
            case "denied" ->
                database.tokenDecisions()
                        .find(token.id())
                        .map(d -> "denied by " + d.decidedBy() + (d.reason() == null ? "" : ": " + d.reason()))
                        .orElse("denied");
            // whyNoTokens answers null for an owner who may use tokens: that token works.
            default -> {
                Optional<UserRecord> owner = database.users().findById(token.ownerId());
                yield owner.isEmpty() ? "its owner no longer exists" : directory.whyNoTokens(owner.get());
            }
        };
    }

    /** The approval decision on a token, if one was made. */
    public Optional<TokenDecisionRecord> decisionOn(TokenRecord token) {
        return token.status() == TokenStatus.PENDING
                ? Optional.empty()
                : database.tokenDecisions().find(token.id());
    }
}
