package org.patgate.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.patgate.server.store.internal.Jdbc;

/**
 * Users, local and from a directory. Usernames are unique ignoring case: a lower-cased
 * {@code username_key} carries the unique index while {@code username} keeps the spelling to
 * display. Thread-safe.
 */
public final class UserRepository {

    private static final String COLUMNS = """
            id, username, display_name, email, password_hash, source, enabled, created_at, updated_at""";

    private static final String INSERT = """
            INSERT INTO users (username, username_key, display_name, email, password_hash, source, enabled,
                               created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String FIND_BY_KEY = "SELECT " + COLUMNS + " FROM users WHERE username_key = ?";
    private static final String FIND_BY_ID = "SELECT " + COLUMNS + " FROM users WHERE id = ?";
    private static final String TEXT_FILTER =
            " WHERE (? IS NULL OR username_key LIKE ? ESCAPE '\\' OR LOWER(display_name) LIKE ? ESCAPE '\\')";
    private static final String LIST = "SELECT " + COLUMNS + " FROM users" + TEXT_FILTER
            + " ORDER BY username_key OFFSET ? ROWS FETCH NEXT ? ROWS ONLY";
    private static final String COUNT_FILTERED = "SELECT COUNT(*) FROM users" + TEXT_FILTER;
    private static final String SET_ENABLED = "UPDATE users SET enabled = ?, updated_at = ? WHERE id = ?";
    private static final String SET_PASSWORD_HASH = "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?";
    private static final String COUNT = "SELECT COUNT(*) FROM users";
    private static final String SET_PROFILE =
            "UPDATE users SET display_name = ?, email = ?, updated_at = ? WHERE id = ?";
    // rows of other users' tokens that name this user; they block deleting it
    private static final String REFERENCES_FROM_OTHERS = """
            SELECT (SELECT COUNT(*) FROM tokens WHERE creator_id = ? AND owner_id <> ?)
                 + (SELECT COUNT(*) FROM tokens WHERE revoked_by = ? AND owner_id <> ?)
                 + (SELECT COUNT(*) FROM token_decisions d JOIN tokens t ON t.id = d.token_id
                    WHERE d.decided_by = ? AND t.owner_id <> ?)""";
    // token_requests and token_decisions of these tokens, and group memberships, go by ON DELETE CASCADE
    private static final String DELETE_OWN_TOKENS = "DELETE FROM tokens WHERE owner_id = ?";
    private static final String DELETE = "DELETE FROM users WHERE id = ?";

    private final Jdbc jdbc;
    private final Clock clock;

    UserRepository(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The key usernames are compared by; also used for group names. */
    static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** Creates a user; a username equal ignoring case to an existing one is a {@link DuplicateKeyException}. */
    public UserRecord create(NewUser user) {
        Objects.requireNonNull(user, "user");
        Instant now = Jdbc.truncate(clock.instant());
        return jdbc.inTransaction("create user '" + user.username() + "'", connection -> {
            long id = Jdbc.insertReturningId(connection, INSERT, statement -> {
                statement.setString(1, user.username());
                statement.setString(2, key(user.username()));
                statement.setString(3, user.displayName());
                statement.setString(4, user.email());
                statement.setString(5, user.passwordHash());
                statement.setString(6, user.source());
                statement.setBoolean(7, user.enabled());
                Jdbc.setInstant(statement, 8, now);
                Jdbc.setInstant(statement, 9, now);
            });
            return Jdbc.one(connection, FIND_BY_ID, statement -> statement.setLong(1, id), UserRepository::map)
                    .orElseThrow(() -> new SQLException("created user " + id + " not found"));
        });
    }

    /** Finds a user by name ignoring case. */
    public Optional<UserRecord> findByUsername(String username) {
        Objects.requireNonNull(username, "username");
        return jdbc.one(
                "find user '" + username + "'",
                FIND_BY_KEY,
                statement -> statement.setString(1, key(username)),
                UserRepository::map);
    }

    public Optional<UserRecord> findById(long id) {
        return jdbc.one("find user " + id, FIND_BY_ID, statement -> statement.setLong(1, id), UserRepository::map);
    }

    /**
     * Lists users ordered by username (ignoring case); {@code text}, if not null or blank, keeps
     * users whose username or display name contains it, ignoring case.
     */
    public Page<UserRecord> list(String text, PageRequest page) {
        Objects.requireNonNull(page, "page");
        String pattern = text == null || text.isBlank() ? null : Jdbc.containsPattern(text);
        Jdbc.Binder filter = statement -> {
            statement.setString(1, pattern);
            statement.setString(2, pattern);
            statement.setString(3, pattern);
        };
        List<UserRecord> items = jdbc.list(
                "list users",
                LIST,
                statement -> {
                    filter.bind(statement);
                    statement.setLong(4, page.offset());
                    statement.setInt(5, page.size());
                },
                UserRepository::map);
        long total = jdbc.count("count users", COUNT_FILTERED, filter);
        return Page.of(items, total, page);
    }

    /** Enables or disables a user; false if there is no such user. */
    public boolean setEnabled(long id, boolean enabled) {
        return jdbc.update("set enabled of user " + id, SET_ENABLED, statement -> {
                    statement.setBoolean(1, enabled);
                    Jdbc.setInstant(statement, 2, clock.instant());
                    statement.setLong(3, id);
                })
                == 1;
    }

    /** Replaces (or with null removes) the local password hash; false if there is no such user. */
    public boolean setPasswordHash(long id, String passwordHash) {
        NewUser.requireLength("passwordHash", passwordHash, 255);
        return jdbc.update("set password of user " + id, SET_PASSWORD_HASH, statement -> {
                    statement.setString(1, passwordHash);
                    Jdbc.setInstant(statement, 2, clock.instant());
                    statement.setLong(3, id);
                })
                == 1;
    }

    /** Replaces display name and email (null clears); false if there is no such user. */
    public boolean setProfile(long id, String displayName, String email) {
        NewUser.requireLength("displayName", displayName, 255);
        NewUser.requireLength("email", email, 320);
        return jdbc.update("set profile of user " + id, SET_PROFILE, statement -> {
                    statement.setString(1, displayName);
                    statement.setString(2, email);
                    Jdbc.setInstant(statement, 3, clock.instant());
                    statement.setLong(4, id);
                })
                == 1;
    }

    /**
     * Deletes a user with the tokens they own (and those tokens' activity and decisions) and their
     * group memberships, in one transaction. Returns how many tokens went, or -1 if there is no
     * such user. A user named by other users' tokens (as creator, revoker or approver) is kept and
     * a {@link StillReferencedException} thrown.
     */
    public long delete(long id) {
        return jdbc.inTransaction("delete user " + id, connection -> {
            long references = Jdbc.one(
                            connection,
                            REFERENCES_FROM_OTHERS,
                            statement -> {
                                for (int i = 1; i <= 6; i++) {
                                    statement.setLong(i, id);
                                }
                            },
                            row -> row.getLong(1))
                    .orElse(0L);
            if (references > 0) {
                throw new StillReferencedException(
                        "user " + id + " created, revoked or decided on " + references + " token(s) of other users");
            }
            long tokens = Jdbc.update(connection, DELETE_OWN_TOKENS, statement -> statement.setLong(1, id));
            int users = Jdbc.update(connection, DELETE, statement -> statement.setLong(1, id));
            return users == 1 ? tokens : -1L;
        });
    }

    public long count() {
        return jdbc.count("count users", COUNT, Jdbc.NO_PARAMETERS);
    }

    private static UserRecord map(ResultSet row) throws SQLException {
        return new UserRecord(
                row.getLong("id"),
                row.getString("username"),
                row.getString("display_name"),
                row.getString("email"),
                row.getString("password_hash"),
                row.getString("source"),
                row.getBoolean("enabled"),
                Jdbc.getInstant(row, "created_at"),
                Jdbc.getInstant(row, "updated_at"));
    }
}
