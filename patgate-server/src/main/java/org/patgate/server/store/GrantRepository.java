package org.patgate.server.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.patgate.server.store.internal.Jdbc;

/**
 * Which permissions each group holds ({@code group_grants}). Group keys are lower-cased group names;
 * {@link #EVERYONE} stands for every user. Permissions are stored by their wire names. Thread-safe.
 */
public final class GrantRepository {

    /** The group key that means "every user". */
    public static final String EVERYONE = "*";

    private static final String ALL = "SELECT group_key, permission FROM group_grants ORDER BY group_key, permission";
    private static final String DELETE_GROUP = "DELETE FROM group_grants WHERE group_key = ?";
    private static final String INSERT = "INSERT INTO group_grants (group_key, permission) VALUES (?, ?)";
    private static final String EXISTS = "SELECT 1 FROM group_grants WHERE group_key = ? AND permission = ?";

    private final Jdbc jdbc;

    GrantRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Every grant: group key to its permission names, sorted. */
    public Map<String, Set<String>> all() {
        Map<String, Set<String>> grants = new LinkedHashMap<>();
        for (String[] row : jdbc.list(
                "read group grants", ALL, Jdbc.NO_PARAMETERS, r -> new String[] {r.getString(1), r.getString(2)})) {
            grants.computeIfAbsent(row[0], k -> new TreeSet<>()).add(row[1]);
        }
        return grants;
    }

    /** Replaces a group's permissions in one transaction. */
    public void replace(String group, Set<String> permissions) {
        String key = key(group);
        jdbc.inTransaction("set permissions of group '" + group + "'", connection -> {
            Jdbc.update(connection, DELETE_GROUP, s -> s.setString(1, key));
            for (String permission : new ArrayList<>(new TreeSet<>(permissions))) {
                Jdbc.update(connection, INSERT, s -> {
                    s.setString(1, key);
                    s.setString(2, permission);
                });
            }
            return null;
        });
    }

    /** Adds one grant unless present. */
    public void ensure(String group, String permission) {
        String key = key(group);
        jdbc.inTransaction("grant " + permission + " to '" + group + "'", connection -> {
            if (Jdbc.one(
                            connection,
                            EXISTS,
                            s -> {
                                s.setString(1, key);
                                s.setString(2, permission);
                            },
                            r -> 1)
                    .isEmpty()) {
                Jdbc.update(connection, INSERT, s -> {
                    s.setString(1, key);
                    s.setString(2, permission);
                });
            }
            return null;
        });
    }

    public static String key(String group) {
        return group.equals(EVERYONE) ? EVERYONE : group.toLowerCase(Locale.ROOT);
    }
}
