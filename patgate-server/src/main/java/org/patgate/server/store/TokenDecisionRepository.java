package org.patgate.server.store;

import java.util.Optional;
import javax.sql.DataSource;
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

    public TokenDecisionRepository(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    /**
     * Approves ({@code active}) or denies ({@code denied}) a pending token; false if it was not
     * pending any more.
     */
    public boolean decide(String tokenId, boolean approve, String reason, long decidedBy, java.time.Instant at) {
        return jdbc.inTransaction("decide on token " + tokenId, connection -> {
            int changed = Jdbc.update(connection, SET_STATUS, s -> {
                s.setString(1, approve ? "active" : "denied");
                s.setString(2, tokenId);
            });
            if (changed == 0) {
                return false;
            }
            Jdbc.update(connection, INSERT, s -> {
                s.setString(1, tokenId);
                s.setString(2, approve ? "approved" : "denied");
                s.setString(3, Jdbc.truncate(reason, 1000));
                s.setLong(4, decidedBy);
                Jdbc.setInstant(s, 5, at);
            });
            return true;
        });
    }

    public Optional<TokenDecisionRecord> find(String tokenId) {
        return jdbc.one("read the decision on token " + tokenId, FIND, s -> s.setString(1, tokenId),
                row -> new TokenDecisionRecord(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                        Jdbc.getInstant(row, "decided_at")));
    }
}
