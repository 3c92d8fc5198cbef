package org.patgate.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.patgate.core.token.Scope;
import org.patgate.server.store.internal.Jdbc;
import org.patgate.server.store.internal.Where;

/**
 * Tokens. Only the HMAC digest of a secret is stored. State changes ({@link #revoke},
 * {@link #rotate}, {@link #setStatus}) are compare-and-set single statements, so concurrent
 * callers on any node see exactly one winner. Thread-safe.
 */
public final class TokenRepository {

    private static final String SELECT = """
            SELECT t.id, t.digest, t.hint, t.name, t.owner_id, o.username AS owner_username,
                   t.creator_id, c.username AS creator_username, t.scope, t.allowed_ips, t.expires_at,
                   t.created_at, t.status, t.revoked_at, r.username AS revoked_by_username,
                   t.rotated_at, t.last_used_at, t.last_used_ip, t.last_used_agent, t.rules
            FROM tokens t
            JOIN users o ON o.id = t.owner_id
            JOIN users c ON c.id = t.creator_id
            LEFT JOIN users r ON r.id = t.revoked_by""";
    private static final String FIND_BY_ID = SELECT + " WHERE t.id = ?";
    private static final String FIND_BY_DIGEST = SELECT + " WHERE t.digest = ?";
    private static final String INSERT = """
            INSERT INTO tokens (id, digest, hint, name, owner_id, creator_id, scope, allowed_ips, expires_at,
                                created_at, status, rules)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String PAGE = " OFFSET ? ROWS FETCH NEXT ? ROWS ONLY";
    // joined like SELECT so that every condition and order can name the owner
    private static final String COUNT = "SELECT COUNT(*) FROM tokens t JOIN users o ON o.id = t.owner_id";

    // search conditions; TokenQuery decides which apply
    private static final String OWNER_IS = "t.owner_id = ?";
    private static final String STATUS_IS = "t.status = ?";
    private static final String NOT_EXPIRED_AT = "(t.expires_at IS NULL OR t.expires_at > ?)";
    private static final String EXPIRED_AT = "t.expires_at <= ?";
    private static final String NAME_CONTAINS_OR_HINT_IS = "(LOWER(t.name) LIKE ? ESCAPE '\\' OR t.hint = ?)";
    private static final String SCOPE_IS = "t.scope = ?";
    private static final String EXPIRES_BEFORE = "t.expires_at < ?";
    // never used counts as stale once the token is older than the limit
    private static final String LAST_USED_BEFORE =
            "(t.last_used_at < ? OR (t.last_used_at IS NULL AND t.created_at < ?))";

    private static final String REVOKE = """
            UPDATE tokens SET status = 'revoked', revoked_at = ?, revoked_by = ?
            WHERE id = ? AND status <> 'revoked'""";
    private static final String SET_STATUS = """
            UPDATE tokens SET status = ?, revoked_at = CASE WHEN ? = 'revoked' THEN ? ELSE revoked_at END
            WHERE id = ? AND status = ?""";
    // Older uses never overwrite newer ones: batches from several nodes may arrive out of order.
    private static final String RECORD_USE = """
            UPDATE tokens SET last_used_at = ?, last_used_ip = ?, last_used_agent = ?
            WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)""";
    // Serialises count-then-insert per owner on H2 and PostgreSQL alike, across nodes. On PostgreSQL
    // NO KEY UPDATE: it still excludes other lockers of the row, but not the KEY SHARE locks that
    // foreign-key checks take on it (a token created by this user for another), which deadlock otherwise.
    private static final String LOCK_OWNER = "SELECT id FROM users WHERE id = ? FOR UPDATE";
    private static final String LOCK_OWNER_POSTGRESQL = "SELECT id FROM users WHERE id = ? FOR NO KEY UPDATE";
    private static final String ROTATE_FROM = """
            UPDATE tokens SET digest = ?, hint = ?, rotated_at = ?
            WHERE id = ? AND status = 'active' AND digest = ?""";
    private static final String COUNT_ACTIVE = """
            SELECT COUNT(*) FROM tokens
            WHERE owner_id = ? AND status = 'active' AND (expires_at IS NULL OR expires_at > ?)""";

    private static final int MAX_IP_LENGTH = 45;
    private static final int MAX_AGENT_LENGTH = 255;

    private final Jdbc jdbc;
    private final Clock clock;

    TokenRepository(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Inserts a token and returns it as stored. A taken id or digest is a {@link DuplicateKeyException}. */
    public TokenRecord insert(NewToken token) {
        Objects.requireNonNull(token, "token");
        return jdbc.inTransaction("insert token " + token.id(), connection -> insert(connection, token));
    }

    /**
     * Inserts a token unless its owner already holds {@code maxActive} tokens that are active and
     * unexpired at {@code now}; empty then, and nothing is inserted. Count and insert run in one
     * transaction holding the owner's user row locked ({@code SELECT … FOR UPDATE}), so concurrent
     * creations and approvals for one owner, on any node, count one after another.
     */
    public Optional<TokenRecord> insertWithinLimit(NewToken token, long maxActive, Instant now) {
        Objects.requireNonNull(token, "token");
        return jdbc.inTransaction(
                "insert token " + token.id(),
                connection -> lockOwnerAndCountActive(connection, token.ownerId(), now) >= maxActive
                        ? Optional.empty()
                        : Optional.of(insert(connection, token)));
    }

    /**
     * Locks the owner's user row until the transaction ends and counts their active, unexpired tokens.
     * An owner who no longer exists has none (and the insert that follows fails on its foreign key).
     */
    static long lockOwnerAndCountActive(Connection connection, long ownerId, Instant now) throws SQLException {
        String lock = connection.getMetaData().getDatabaseProductName().startsWith("PostgreSQL")
                ? LOCK_OWNER_POSTGRESQL
                : LOCK_OWNER;
        Jdbc.list(connection, lock, statement -> statement.setLong(1, ownerId), row -> row.getLong(1));
        return Jdbc.one(
                        connection,
                        COUNT_ACTIVE,
                        statement -> {
                            statement.setLong(1, ownerId);
                            Jdbc.setInstant(statement, 2, now);
                        },
                        row -> row.getLong(1))
                .orElse(0L);
    }

    private static TokenRecord insert(Connection connection, NewToken token) throws SQLException {
        Jdbc.update(connection, INSERT, statement -> {
            statement.setString(1, token.id());
            statement.setString(2, token.digestHex());
            statement.setString(3, token.hint());
            statement.setString(4, token.name());
            statement.setLong(5, token.ownerId());
            statement.setLong(6, token.creatorId());
            statement.setString(7, token.scope().wireName());
            statement.setString(8, String.join(",", token.allowedIps()));
            Jdbc.setInstant(statement, 9, token.expiresAt());
            Jdbc.setInstant(statement, 10, token.createdAt());
            statement.setString(11, token.status().wireName());
            statement.setString(12, token.rulesJson());
        });
        return Jdbc.one(connection, FIND_BY_ID, statement -> statement.setString(1, token.id()), TokenRepository::map)
                .orElseThrow(() -> new SQLException("inserted token not found"));
    }

    public Optional<TokenRecord> findById(String id) {
        Objects.requireNonNull(id, "id");
        return jdbc.one("find token " + id, FIND_BY_ID, statement -> statement.setString(1, id), TokenRepository::map);
    }

    /** The gateway's cache-miss lookup: one query on the unique digest index. */
    public Optional<TokenRecord> findByDigest(String digestHex) {
        String digest = NewToken.normalizeDigest(digestHex);
        return jdbc.one(
                "find token by digest",
                FIND_BY_DIGEST,
                statement -> statement.setString(1, digest),
                TokenRepository::map);
    }

    /** Searches tokens in the query's order (default newest first), with the total number of matches. */
    public Page<TokenRecord> search(TokenQuery query) {
        Objects.requireNonNull(query, "query");
        Where where = new Where();
        if (query.ownerId() != null) {
            where.and(OWNER_IS, query.ownerId());
        }
        if (query.status() != null) {
            switch (query.status()) {
                case "active" -> where.and(STATUS_IS, "active").and(NOT_EXPIRED_AT, query.now());
                case "expired" -> where.and(STATUS_IS, "active").and(EXPIRED_AT, query.now());
                default -> where.and(STATUS_IS, query.status());
            }
        }
        if (query.text() != null) {
            where.and(NAME_CONTAINS_OR_HINT_IS, Jdbc.containsPattern(query.text()), query.text());
        }
        if (query.scope() != null) {
            where.and(SCOPE_IS, query.scope().wireName());
        }
        if (query.expiresBefore() != null) {
            where.and(EXPIRES_BEFORE, query.expiresBefore());
        }
        if (query.lastUsedBefore() != null) {
            where.and(LAST_USED_BEFORE, query.lastUsedBefore(), query.lastUsedBefore());
        }
        PageRequest page = query.page();
        String sql = SELECT + where.sql() + query.sort().orderBy() + PAGE;
        List<TokenRecord> items = jdbc.list(
                "search tokens",
                sql,
                statement -> {
                    int next = where.bind(statement, 1);
                    statement.setLong(next, page.offset());
                    statement.setInt(next + 1, page.size());
                },
                TokenRepository::map);
        long total = jdbc.count("count tokens", COUNT + where.sql(), statement -> where.bind(statement, 1));
        return Page.of(items, total, page);
    }

    /** Revokes a token unless it is already revoked; true only if this call changed it. */
    public boolean revoke(String id, long revokedById, Instant at) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        return jdbc.update("revoke token " + id, REVOKE, statement -> {
                    Jdbc.setInstant(statement, 1, at);
                    statement.setLong(2, revokedById);
                    statement.setString(3, id);
                })
                == 1;
    }

    /**
     * Replaces the digest and hint of an active token whose digest is still {@code expectedDigestHex}
     * (the old secret stops working at once); true if it changed. Tokens in any other status are left
     * alone, and of concurrent rotations of the same token exactly one wins, so no caller is handed a
     * secret that was overwritten at once.
     */
    public boolean rotate(String id, String expectedDigestHex, String newDigestHex, String newHint, Instant at) {
        Objects.requireNonNull(id, "id");
        String expected = NewToken.normalizeDigest(expectedDigestHex);
        String digest = NewToken.normalizeDigest(newDigestHex);
        NewUser.requireLength("hint", newHint, 8);
        Objects.requireNonNull(at, "at");
        return jdbc.update("rotate token " + id, ROTATE_FROM, statement -> {
                    statement.setString(1, digest);
                    statement.setString(2, newHint);
                    Jdbc.setInstant(statement, 3, at);
                    statement.setString(4, id);
                    statement.setString(5, expected);
                })
                == 1;
    }

    /**
     * Moves a token from {@code from} to {@code to} only if it is currently {@code from}
     * (approval: pending to active or denied). Moving to revoked stamps {@code revoked_at} but no
     * revoker; prefer {@link #revoke}. True if it changed.
     */
    public boolean setStatus(String id, TokenStatus from, TokenStatus to) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        return jdbc.update("change status of token " + id, SET_STATUS, statement -> {
                    statement.setString(1, to.wireName());
                    statement.setString(2, to.wireName());
                    Jdbc.setInstant(statement, 3, clock.instant());
                    statement.setString(4, id);
                    statement.setString(5, from.wireName());
                })
                == 1;
    }

    /**
     * Stores the latest use of each token in one JDBC batch and transaction. Per token only the
     * newest use counts, and a stored newer use is never overwritten by an older one. Unknown
     * token ids are ignored; an over-long IP or user agent is truncated.
     */
    public void recordUses(List<TokenUse> uses) {
        Objects.requireNonNull(uses, "uses");
        // Sorted by id so concurrent batches from several nodes lock rows in the same order.
        Map<String, TokenUse> latest = new TreeMap<>();
        for (TokenUse use : uses) {
            latest.merge(use.tokenId(), use, (a, b) -> b.at().isAfter(a.at()) ? b : a);
        }
        if (latest.isEmpty()) {
            return;
        }
        jdbc.inTransaction("record " + latest.size() + " token uses", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(RECORD_USE)) {
                for (TokenUse use : latest.values()) {
                    Jdbc.setInstant(statement, 1, use.at());
                    statement.setString(2, Jdbc.truncate(use.ip(), MAX_IP_LENGTH));
                    statement.setString(3, Jdbc.truncate(use.userAgent(), MAX_AGENT_LENGTH));
                    statement.setString(4, use.tokenId());
                    Jdbc.setInstant(statement, 5, use.at());
                    statement.addBatch();
                }
                return statement.executeBatch();
            }
        });
    }

    /** The number of the owner's tokens that are active and not expired at {@code now}. */
    public long countActive(long ownerId, Instant now) {
        Objects.requireNonNull(now, "now");
        return jdbc.count("count active tokens of user " + ownerId, COUNT_ACTIVE, statement -> {
            statement.setLong(1, ownerId);
            Jdbc.setInstant(statement, 2, now);
        });
    }

    private static TokenRecord map(ResultSet row) throws SQLException {
        String allowedIps = row.getString("allowed_ips");
        return new TokenRecord(
                row.getString("id"),
                row.getString("digest"),
                row.getString("hint"),
                row.getString("name"),
                row.getLong("owner_id"),
                row.getString("owner_username"),
                row.getLong("creator_id"),
                row.getString("creator_username"),
                Scope.fromWireName(row.getString("scope")),
                allowedIps == null || allowedIps.isEmpty() ? List.of() : Arrays.asList(allowedIps.split(",")),
                Jdbc.getInstant(row, "expires_at"),
                Jdbc.getInstant(row, "created_at"),
                TokenStatus.fromWireName(row.getString("status")),
                Jdbc.getInstant(row, "revoked_at"),
                row.getString("revoked_by_username"),
                Jdbc.getInstant(row, "rotated_at"),
                Jdbc.getInstant(row, "last_used_at"),
                row.getString("last_used_ip"),
                row.getString("last_used_agent"),
                row.getString("rules"));
    }
}
