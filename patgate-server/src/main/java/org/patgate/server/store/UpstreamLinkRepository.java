package org.patgate.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.patgate.server.store.internal.Jdbc;

/**
 * The users' links to their native upstream accounts ({@code upstream_links}), one row per user.
 * Stores what it is given: encryption is the caller's; the status changes here are conditional so
 * that concurrent callers (several requests answered 401 at once, on several nodes) change a row
 * once. Thread-safe; joins the caller's {@link Database#inTransaction transaction}.
 */
public final class UpstreamLinkRepository {

    private static final String COLUMNS = "user_id, kind, native_token_id, upstream_username, key_id, nonce,"
            + " ciphertext, expires_at, status, reason, created_at, updated_at, checked_at";
    private static final String FIND = "SELECT " + COLUMNS + " FROM upstream_links WHERE user_id = ?";
    private static final String FIND_FOR_UPDATE = FIND + " FOR UPDATE";
    private static final String WITH_SECRETS =
            "SELECT " + COLUMNS + " FROM upstream_links WHERE ciphertext IS NOT NULL ORDER BY user_id FOR UPDATE";
    private static final String KEY_IDS = "SELECT DISTINCT key_id FROM upstream_links WHERE key_id IS NOT NULL";
    private static final String INSERT =
            "INSERT INTO upstream_links (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String REPLACE = """
            UPDATE upstream_links SET kind = ?, native_token_id = ?, upstream_username = ?, key_id = ?, nonce = ?,
              ciphertext = ?, expires_at = ?, status = ?, reason = ?, created_at = ?, updated_at = ?, checked_at = ?
            WHERE user_id = ?""";
    private static final String MARK_BROKEN = """
            UPDATE upstream_links SET status = 'broken', reason = ?, updated_at = ?, checked_at = ?
            WHERE user_id = ? AND status = 'linked'""";
    private static final String MARK_REVOKED = """
            UPDATE upstream_links SET status = 'revoked', reason = ?, key_id = NULL, nonce = NULL, ciphertext = NULL,
              updated_at = ?
            WHERE user_id = ? AND status <> 'revoked'""";
    private static final String RESEAL = """
            UPDATE upstream_links SET key_id = ?, nonce = ?, ciphertext = ?
            WHERE user_id = ? AND key_id = ? AND ciphertext = ?""";

    private final Jdbc jdbc;

    UpstreamLinkRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<UpstreamLinkRecord> find(long userId) {
        return jdbc.one("read upstream link of user " + userId, FIND, s -> s.setLong(1, userId), this::map);
    }

    /** As {@link #find}, locking the row until the transaction ends (call inside one). */
    public Optional<UpstreamLinkRecord> findForUpdate(long userId) {
        return jdbc.one("lock upstream link of user " + userId, FIND_FOR_UPDATE, s -> s.setLong(1, userId), this::map);
    }

    /** Stores {@code link} as the user's one link, replacing any earlier row of theirs. */
    public void put(UpstreamLinkRecord link) {
        jdbc.inTransaction("store upstream link of user " + link.userId(), connection -> {
            int updated = Jdbc.update(connection, REPLACE, s -> {
                s.setString(1, link.kind());
                s.setString(2, link.nativeTokenId());
                s.setString(3, Jdbc.truncate(link.upstreamUsername(), 255));
                s.setString(4, link.keyId());
                s.setString(5, link.nonce());
                s.setString(6, link.ciphertext());
                Jdbc.setInstant(s, 7, link.expiresAt());
                s.setString(8, link.status());
                s.setString(9, Jdbc.truncate(link.reason(), 1000));
                Jdbc.setInstant(s, 10, link.createdAt());
                Jdbc.setInstant(s, 11, link.updatedAt());
                Jdbc.setInstant(s, 12, link.checkedAt());
                s.setLong(13, link.userId());
            });
            if (updated == 0) {
                Jdbc.update(connection, INSERT, s -> {
                    s.setLong(1, link.userId());
                    s.setString(2, link.kind());
                    s.setString(3, link.nativeTokenId());
                    s.setString(4, Jdbc.truncate(link.upstreamUsername(), 255));
                    s.setString(5, link.keyId());
                    s.setString(6, link.nonce());
                    s.setString(7, link.ciphertext());
                    Jdbc.setInstant(s, 8, link.expiresAt());
                    s.setString(9, link.status());
                    s.setString(10, Jdbc.truncate(link.reason(), 1000));
                    Jdbc.setInstant(s, 11, link.createdAt());
                    Jdbc.setInstant(s, 12, link.updatedAt());
                    Jdbc.setInstant(s, 13, link.checkedAt());
                });
            }
            return null;
        });
    }

    /**
     * Marks the user's link broken with {@code reason}, only when it is linked: returns false when
     * it was already broken or revoked (or there is none), so a reason is recorded once.
     */
    public boolean markBroken(long userId, String reason, Instant at) {
        return jdbc.update("mark upstream link of user " + userId + " broken", MARK_BROKEN, s -> {
                    s.setString(1, Jdbc.truncate(reason, 1000));
                    Jdbc.setInstant(s, 2, at);
                    Jdbc.setInstant(s, 3, at);
                    s.setLong(4, userId);
                })
                == 1;
    }

    /**
     * Marks the user's link revoked with {@code reason} and forgets its encrypted token; returns
     * false when it was already revoked or there is none.
     */
    public boolean markRevoked(long userId, String reason, Instant at) {
        return jdbc.update("mark upstream link of user " + userId + " revoked", MARK_REVOKED, s -> {
                    s.setString(1, Jdbc.truncate(reason, 1000));
                    Jdbc.setInstant(s, 2, at);
                    s.setLong(3, userId);
                })
                == 1;
    }

    /** Every link that keeps an encrypted token, locked until the transaction ends (call inside one). */
    public List<UpstreamLinkRecord> lockAllWithSecrets() {
        return jdbc.list("lock upstream links", WITH_SECRETS, Jdbc.NO_PARAMETERS, this::map);
    }

    /**
     * Replaces the encrypted token of {@code link} with one sealed under another key, only if the
     * row still holds what {@code link} read; returns whether it did.
     */
    public boolean reseal(UpstreamLinkRecord link, String keyId, String nonce, String ciphertext) {
        return jdbc.update("re-encrypt upstream link of user " + link.userId(), RESEAL, s -> {
                    s.setString(1, keyId);
                    s.setString(2, nonce);
                    s.setString(3, ciphertext);
                    s.setLong(4, link.userId());
                    s.setString(5, link.keyId());
                    s.setString(6, link.ciphertext());
                })
                == 1;
    }

    /** The ids of the keys that some stored token is encrypted under. */
    public Set<String> keyIdsInUse() {
        return new TreeSet<>(jdbc.list("read upstream key ids", KEY_IDS, Jdbc.NO_PARAMETERS, row -> row.getString(1)));
    }

    private UpstreamLinkRecord map(ResultSet row) throws SQLException {
        return new UpstreamLinkRecord(
                row.getLong("user_id"),
                row.getString("kind"),
                row.getString("native_token_id"),
                row.getString("upstream_username"),
                row.getString("key_id"),
                row.getString("nonce"),
                row.getString("ciphertext"),
                Jdbc.getInstant(row, "expires_at"),
                row.getString("status"),
                row.getString("reason"),
                Jdbc.getInstant(row, "created_at"),
                Jdbc.getInstant(row, "updated_at"),
                Jdbc.getInstant(row, "checked_at"));
    }
}
