package org.patgate.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.patgate.server.store.internal.Jdbc;

/**
 * Groups and their members. Group names are unique ignoring case (a lower-cased
 * {@code name_key} carries the unique index). Thread-safe.
 */
public final class GroupRepository {

    private static final String INSERT = """
            INSERT INTO user_groups (name, name_key, description, created_at) VALUES (?, ?, ?, ?)""";
    private static final String FIND_BY_KEY = """
            SELECT id, name, description, created_at FROM user_groups WHERE name_key = ?""";
    private static final String FIND_BY_ID = """
            SELECT id, name, description, created_at FROM user_groups WHERE id = ?""";
    private static final String LIST = """
            SELECT id, name, description, created_at FROM user_groups ORDER BY name_key""";
    private static final String LIST_WITH_COUNTS = """
            SELECT g.id, g.name, g.description, g.created_at, COUNT(m.user_id) AS members
            FROM user_groups g LEFT JOIN group_members m ON m.group_id = g.id
            GROUP BY g.id, g.name, g.description, g.created_at, g.name_key ORDER BY g.name_key""";
    private static final String ADD_MEMBER = """
            INSERT INTO group_members (group_id, user_id) VALUES (?, ?)""";
    private static final String IS_MEMBER = """
            SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?""";
    private static final String REMOVE_MEMBER = """
            DELETE FROM group_members WHERE group_id = ? AND user_id = ?""";
    private static final String GROUP_NAMES_OF = """
            SELECT g.name FROM group_members m JOIN user_groups g ON g.id = m.group_id
            WHERE m.user_id = ? ORDER BY g.name_key""";
    private static final String MEMBER_USERNAMES = """
            SELECT u.username FROM group_members m JOIN users u ON u.id = m.user_id
            WHERE m.group_id = ? ORDER BY u.username_key""";

    private final Jdbc jdbc;
    private final Clock clock;

    GroupRepository(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Creates a group; a name equal ignoring case to an existing one is a {@link DuplicateKeyException}. */
    public GroupRecord create(String name, String description) {
        NewUser.requireText("group name", name, 255);
        NewUser.requireLength("group description", description, 1000);
        Instant now = Jdbc.truncate(clock.instant());
        return jdbc.inTransaction("create group '" + name + "'", connection -> {
            long id = Jdbc.insertReturningId(connection, INSERT, statement -> {
                statement.setString(1, name);
                statement.setString(2, UserRepository.key(name));
                statement.setString(3, description);
                Jdbc.setInstant(statement, 4, now);
            });
            return Jdbc.one(connection, FIND_BY_ID, statement -> statement.setLong(1, id), GroupRepository::map)
                    .orElseThrow(() -> new SQLException("created group " + id + " not found"));
        });
    }

    /** Finds a group by name ignoring case. */
    public Optional<GroupRecord> findByName(String name) {
        Objects.requireNonNull(name, "name");
        return jdbc.one(
                "find group '" + name + "'",
                FIND_BY_KEY,
                statement -> statement.setString(1, UserRepository.key(name)),
                GroupRepository::map);
    }

    /** All groups ordered by name (ignoring case). */
    public List<GroupRecord> list() {
        return jdbc.list("list groups", LIST, Jdbc.NO_PARAMETERS, GroupRepository::map);
    }

    /** A group and how many users are in it. */
    public record GroupCount(GroupRecord group, long members) {}

    /** All groups ordered by name (ignoring case), each with its number of members. */
    public List<GroupCount> listWithMemberCounts() {
        return jdbc.list(
                "list groups with member counts",
                LIST_WITH_COUNTS,
                Jdbc.NO_PARAMETERS,
                row -> new GroupCount(map(row), row.getLong("members")));
    }

    /**
     * Finds the group or creates it with {@code description}. When another node or thread creates
     * it concurrently, the unique key refuses our insert and the winner's group is returned.
     */
    public GroupRecord ensure(String name, String description) {
        Optional<GroupRecord> existing = findByName(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            return create(name, description);
        } catch (DuplicateKeyException raced) {
            return findByName(name).orElseThrow(() -> raced);
        }
    }

    /**
     * Adds a user to a group; idempotent. Returns true if the membership is new. An unknown group
     * or user is a {@link StoreException}.
     */
    public boolean addMember(long groupId, long userId) {
        String operation = "add user " + userId + " to group " + groupId;
        Jdbc.Binder ids = statement -> {
            statement.setLong(1, groupId);
            statement.setLong(2, userId);
        };
        // Checking first keeps the common "already a member" case free of constraint errors;
        // the unique key still decides when two callers race.
        if (jdbc.one(operation, IS_MEMBER, ids, row -> true).isPresent()) {
            return false;
        }
        try {
            return jdbc.update(operation, ADD_MEMBER, ids) == 1;
        } catch (DuplicateKeyException raced) {
            return false;
        }
    }

    /** Removes a user from a group; true if they were a member. */
    public boolean removeMember(long groupId, long userId) {
        return jdbc.update("remove user " + userId + " from group " + groupId, REMOVE_MEMBER, statement -> {
                    statement.setLong(1, groupId);
                    statement.setLong(2, userId);
                })
                == 1;
    }

    /** The names of the groups the user belongs to, sorted ignoring case. */
    public List<String> groupNamesOf(long userId) {
        return jdbc.list(
                "list groups of user " + userId,
                GROUP_NAMES_OF,
                statement -> statement.setLong(1, userId),
                row -> row.getString(1));
    }

    /** The usernames of the group's members, sorted ignoring case. */
    public List<String> memberUsernames(long groupId) {
        return jdbc.list(
                "list members of group " + groupId,
                MEMBER_USERNAMES,
                statement -> statement.setLong(1, groupId),
                row -> row.getString(1));
    }

    private static GroupRecord map(ResultSet row) throws SQLException {
        return new GroupRecord(
                row.getLong("id"),
                row.getString("name"),
                row.getString("description"),
                Jdbc.getInstant(row, "created_at"));
    }
}
