package org.patgate.server.store;

import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.patgate.server.store.internal.Jdbc;

/**
 * The last distinct client addresses of each token ({@code token_addresses}), written in batches by the
 * activity writer and trimmed to the newest {@code keep} per token. Thread-safe.
 */
public final class TokenAddressRepository {

    private static final String INSERT_POSTGRESQL = """
            INSERT INTO token_addresses (token_id, address, first_seen, last_seen, user_agent)
            SELECT id, ?, ?, ?, ? FROM tokens WHERE id = ?
            ON CONFLICT (token_id, address) DO NOTHING""";
    private static final String INSERT_H2 = """
            MERGE INTO token_addresses a
            USING (SELECT id AS token_id, CAST(? AS VARCHAR(45)) AS address,
                          CAST(? AS TIMESTAMP WITH TIME ZONE) AS first_seen,
                          CAST(? AS TIMESTAMP WITH TIME ZONE) AS last_seen,
                          CAST(? AS VARCHAR(255)) AS user_agent FROM tokens WHERE id = ?) s
            ON (a.token_id = s.token_id AND a.address = s.address)
            WHEN NOT MATCHED THEN INSERT (token_id, address, first_seen, last_seen, user_agent)
                VALUES (s.token_id, s.address, s.first_seen, s.last_seen, s.user_agent)""";
    private static final String TOUCH = """
            UPDATE token_addresses SET last_seen = ?, user_agent = COALESCE(?, user_agent)
            WHERE token_id = ? AND address = ? AND last_seen < ?""";
    private static final String NTH_NEWEST = """
            SELECT last_seen FROM token_addresses WHERE token_id = ?
            ORDER BY last_seen DESC, address OFFSET ? ROWS FETCH NEXT 1 ROWS ONLY""";
    private static final String TRIM = "DELETE FROM token_addresses WHERE token_id = ? AND last_seen <= ?";
    private static final String OF_TOKEN = """
            SELECT token_id, address, first_seen, last_seen, user_agent FROM token_addresses
            WHERE token_id = ? ORDER BY last_seen DESC, address""";

    private final Jdbc jdbc;
    private final String insert;

    TokenAddressRepository(Jdbc jdbc, Database.Kind kind) {
        this.jdbc = jdbc;
        this.insert = kind == Database.Kind.POSTGRESQL ? INSERT_POSTGRESQL : INSERT_H2;
    }

    /**
     * Records each sighting (a token, an address, first and last time in the batch, the newest user
     * agent) in one transaction: new addresses are inserted, known ones get the later last-seen time.
     * Then each token that got a new address keeps only its newest {@code keep}. Returns the sightings
     * that were new addresses (tokens deleted meanwhile are skipped).
     */
    public List<TokenAddress> record(List<TokenAddress> sightings, int keep) {
        Objects.requireNonNull(sightings, "sightings");
        if (sightings.isEmpty()) {
            return List.of();
        }
        return jdbc.inTransaction("record " + sightings.size() + " token addresses", connection -> {
            List<TokenAddress> added = new ArrayList<>();
            try (PreparedStatement inserts = connection.prepareStatement(insert);
                    PreparedStatement touches = connection.prepareStatement(TOUCH)) {
                for (TokenAddress seen : sightings) {
                    inserts.setString(1, Jdbc.truncate(seen.address(), 45));
                    Jdbc.setInstant(inserts, 2, seen.firstSeen());
                    Jdbc.setInstant(inserts, 3, seen.lastSeen());
                    inserts.setString(4, Jdbc.truncate(seen.userAgent(), 255));
                    inserts.setString(5, seen.tokenId());
                    inserts.addBatch();
                    Jdbc.setInstant(touches, 1, seen.lastSeen());
                    touches.setString(2, Jdbc.truncate(seen.userAgent(), 255));
                    touches.setString(3, seen.tokenId());
                    touches.setString(4, Jdbc.truncate(seen.address(), 45));
                    Jdbc.setInstant(touches, 5, seen.lastSeen());
                    touches.addBatch();
                }
                int[] inserted = inserts.executeBatch();
                touches.executeBatch();
                for (int i = 0; i < inserted.length; i++) {
                    // A driver may answer SUCCESS_NO_INFO (-2) for a batch row: then the address counts as known.
                    if (inserted[i] > 0) {
                        added.add(sightings.get(i));
                    }
                }
            }
            Set<String> grown = new TreeSet<>();
            added.forEach(a -> grown.add(a.tokenId()));
            for (String tokenId : grown) {
                var boundary = Jdbc.one(
                                connection,
                                NTH_NEWEST,
                                s -> {
                                    s.setString(1, tokenId);
                                    s.setInt(2, keep);
                                },
                                row -> Jdbc.getInstant(row, "last_seen"))
                        .orElse(null);
                if (boundary != null) {
                    Jdbc.update(connection, TRIM, s -> {
                        s.setString(1, tokenId);
                        Jdbc.setInstant(s, 2, boundary);
                    });
                }
            }
            return added;
        });
    }

    /** A token's addresses, most recently seen first. */
    public List<TokenAddress> of(String tokenId) {
        return jdbc.list(
                "read addresses of token " + tokenId,
                OF_TOKEN,
                s -> s.setString(1, tokenId),
                row -> new TokenAddress(
                        row.getString("token_id"),
                        row.getString("address"),
                        Jdbc.getInstant(row, "first_seen"),
                        Jdbc.getInstant(row, "last_seen"),
                        row.getString("user_agent")));
    }
}
