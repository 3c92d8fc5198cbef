package org.patgate.server.store;

import java.time.Instant;
import java.util.Optional;
import org.patgate.server.store.internal.Jdbc;

/**
 * Approval decisions ({@code token_decisions}). The token's status changes in the same transaction,
 * compare-and-set from {@code pending}, so two administrators cannot both decide. Thread-safe.
 */
public final class TokenDecisionRepository {

    private static final String SET_STATUS = "UPDATE tokens SET status = ? WHERE id = ? AND status = 'pending'";
    private static final String INSERT = """
            INSERT INTO token_decisions (token_id, decision, reason, decided_by, decided_at) VALUES (?, ?, ?, ?, ?)""";
    private static final String FIND = """
            SELECT d.token_id, d.decision, d.reason, u.username, d.decided_at
            FROM token_decisions d JOIN users u ON u.id = d.decided_by WHERE d.token_id = ?""";

    private final Jdbc jdbc;

    TokenDecisionRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** What {@link #decide} did. */
    public enum Outcome {
        DECIDED,
        NOT_PENDING,
        LIMIT_REACHED
    }

    /**
     * Approves ({@code active}) or denies ({@code denied}) a pending token. An approval under a limit
     * ({@code maxActive} not null) counts the owner's active tokens with the owner's user row locked,
     * in the same transaction as the status change, so concurrent approvals and creations for one
     * owner never exceed it.
     */
    public Outcome decide(
            String tokenId,
            boolean approve,
            String reason,
            long decidedBy,
            Instant at,
            long ownerId,
            Integer maxActive) {
        return jdbc.inTransaction("decide on token " + tokenId, connection -> {
            if (approve
                    && maxActive != null
                    && TokenRepository.lockOwnerAndCountActive(connection, ownerId, at) >= maxActive) {
                return Outcome.LIMIT_REACHED;
            }
            int changed = Jdbc.update(connection, SET_STATUS, s -> {
                s.setString(1, approve ? "active" : "denied");
                s.setString(2, tokenId);
            });
            if (changed == 0) {
                return Outcome.NOT_PENDING;
            }
            Jdbc.update(connection, INSERT, s -> {
                s.setString(1, tokenId);
                s.setString(2, approve ? "approved" : "denied");
                s.setString(3, Jdbc.truncate(reason, 1000));
                s.setLong(4, decidedBy);
                Jdbc.setInstant(s, 5, at);
            });
            return Outcome.DECIDED;
        });
    }

    public Optional<TokenDecisionRecord> find(String tokenId) {
        return jdbc.one(
                "read the decision on token " + tokenId,
                FIND,
                s -> s.setString(1, tokenId),
                row -> new TokenDecisionRecord(
                        row.getString(1),
                        row.getString(2),
                        row.getString(3),
                        row.getString(4),
                        Jdbc.getInstant(row, "decided_at")));
    }
}
