package org.patgate.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import org.patgate.server.store.internal.Jdbc;

/** Token policies by group ({@code group_policies}). Thread-safe. */
public final class PolicyRepository {

    private static final String COLUMNS = """
            group_key, max_lifetime_days, expiry_required, max_active_tokens, allowed_scopes, required_ip_ranges,
            approval_required, rate_limit_per_minute, rate_limit_per_second, rate_limit_per_day, rate_limit_burst,
            reminder_days, revoke_unused_after_days""";
    private static final String ALL = "SELECT " + COLUMNS + " FROM group_policies ORDER BY group_key";
    private static final String DELETE = "DELETE FROM group_policies WHERE group_key = ?";
    private static final String INSERT =
            "INSERT INTO group_policies (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final Jdbc jdbc;

    PolicyRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public List<PolicyRecord> all() {
        return jdbc.list("read token policies", ALL, Jdbc.NO_PARAMETERS, PolicyRepository::map);
    }

    /** Sets a group's policy, replacing any previous one. */
    public void put(PolicyRecord policy) {
        jdbc.inTransaction("set the token policy of '" + policy.groupKey() + "'", connection -> {
            Jdbc.update(connection, DELETE, s -> s.setString(1, policy.groupKey()));
            Jdbc.update(connection, INSERT, s -> {
                s.setString(1, policy.groupKey());
                setInteger(s, 2, policy.maxLifetimeDays());
                s.setBoolean(3, policy.expiryRequired());
                setInteger(s, 4, policy.maxActiveTokens());
                s.setString(5, policy.allowedScopes());
                s.setString(6, policy.requiredIpRanges());
                s.setBoolean(7, policy.approvalRequired());
                setInteger(s, 8, policy.rateLimitPerMinute());
                setInteger(s, 9, policy.rateLimitPerSecond());
                setInteger(s, 10, policy.rateLimitPerDay());
                setInteger(s, 11, policy.rateLimitBurst());
                s.setString(12, policy.reminderDays());
                setInteger(s, 13, policy.revokeUnusedAfterDays());
            });
            return null;
        });
    }

    /** Removes a group's policy; true if there was one. */
    public boolean delete(String groupKey) {
        return jdbc.update("remove the token policy of '" + groupKey + "'", DELETE, s -> s.setString(1, groupKey)) > 0;
    }

    private static void setInteger(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }

    private static Integer getInteger(ResultSet row, String column) throws SQLException {
        int value = row.getInt(column);
        return row.wasNull() ? null : value;
    }

    private static PolicyRecord map(ResultSet row) throws SQLException {
        return new PolicyRecord(
                row.getString("group_key"),
                getInteger(row, "max_lifetime_days"),
                row.getBoolean("expiry_required"),
                getInteger(row, "max_active_tokens"),
                row.getString("allowed_scopes"),
                row.getString("required_ip_ranges"),
                row.getBoolean("approval_required"),
                getInteger(row, "rate_limit_per_minute"),
                getInteger(row, "rate_limit_per_second"),
                getInteger(row, "rate_limit_per_day"),
                getInteger(row, "rate_limit_burst"),
                row.getString("reminder_days"),
                getInteger(row, "revoke_unused_after_days"));
    }
}
