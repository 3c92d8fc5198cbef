package org.patgate.server.directory;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Database;
import org.patgate.server.store.GroupRecord;
import org.patgate.server.store.GroupRepository;
import org.patgate.server.store.NewUser;
import org.patgate.server.store.UserRecord;

/**
 * Groups and who is in them: the groups of a user (stored for local users, the directory's for
 * LDAP users), every group with its size, and changing a local user's memberships (missing groups
 * are created). Thread-safe.
 */
public final class Groups {

    private final Database database;
    private final Directories directory;

    public Groups(Database database, Directories directory) {
        this.database = database;
        this.directory = directory;
    }

    /** The user's groups: stored ones for local users, the directory's for LDAP users (empty when it cannot answer). */
    public List<String> groupsOf(UserRecord user) {
        if (NewUser.SOURCE_LDAP.equals(user.source())) {
            return directory.groupsOf(user.id()).stream().sorted().toList();
        }
        return database.groups().groupNamesOf(user.id());
    }

    /** Every group with its number of members (admins only). */
    public List<GroupRepository.GroupCount> all(Principal actor) {
        actor.requireAdmin("list groups");
        return database.groups().listWithMemberCounts();
    }

    /** Adds a user to the named groups, creating missing ones. Call inside the caller's transaction. */
    void addTo(UserRecord user, List<String> groups) {
        for (String group : groups) {
            GroupRecord record = database.groups().ensure(group, null);
            database.groups().addMember(record.id(), user.id());
        }
    }

    /** Makes {@code wanted} the user's groups (case-insensitively). Call inside the caller's transaction. */
    void replace(UserRecord user, List<String> wanted) {
        Set<String> wantedKeys = new HashSet<>();
        for (String group : wanted) {
            wantedKeys.add(group.toLowerCase(Locale.ROOT));
            database.groups().addMember(database.groups().ensure(group, null).id(), user.id());
        }
        for (String current : database.groups().groupNamesOf(user.id())) {
            if (!wantedKeys.contains(current.toLowerCase(Locale.ROOT))) {
                database.groups()
                        .findByName(current)
                        .ifPresent(g -> database.groups().removeMember(g.id(), user.id()));
            }
        }
    }
}
