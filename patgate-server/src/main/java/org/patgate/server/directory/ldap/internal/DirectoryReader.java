package org.patgate.server.directory.ldap.internal;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.patgate.server.config.LdapSettings;
import org.patgate.server.config.LdapSettings.GroupMembership;
import org.patgate.server.directory.ldap.DirectoryUser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a user entry by login name and resolves the user's group names as the settings describe.
 * Every filter is built from parsed components or RFC 4515-escaped values, never by pasting user
 * input into filter text; DNs only ever come from the directory. Stateless and thread-safe.
 */
public final class DirectoryReader {

    /** OID of Active Directory's LDAP_MATCHING_RULE_IN_CHAIN. */
    public static final String IN_CHAIN_RULE = "1.2.840.113556.1.4.1941";
    /** Longest login name accepted; longer input is refused without a search. */
    public static final int MAX_USERNAME_LENGTH = 256;

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryReader.class);
    private static final String MEMBER_OF = "memberOf";
    private static final int MAX_DEPTH = 10;
    private static final int MAX_GROUPS = 1000;

    private final LdapSettings settings;
    private final DN groupBase;
    private final Filter groupFilter;

    public DirectoryReader(LdapSettings settings) {
        this.settings = settings;
        try {
            this.groupBase = new DN(settings.groupBaseDn());
            this.groupFilter = Filter.create(settings.groupFilter());
        } catch (LDAPException e) {
            throw new IllegalArgumentException("settings were validated: " + e.getMessage(), e);
        }
    }

    /** The DN searched for users. */
    public String userBase() {
        return settings.userBaseDn();
    }

    /** The DN searched for groups. */
    public String groupBase() {
        return settings.groupBaseDn();
    }

    /** The user search filter for {@code username}: the template with {@code {0}} replaced by the escaped value. */
    public Filter userFilter(String username) throws LDAPException {
        // Filter.encodeValue escapes '*', '(', ')', '\' and NUL (RFC 4515 §3), so "admin)(uid=*"
        // or "*" are matched literally and cannot widen the filter.
        return Filter.create(settings.userFilter().replace("{0}", Filter.encodeValue(username)));
    }

    /** The filter sent for {@link GroupMembership#AD_IN_CHAIN}: groups that contain {@code userDn} at any depth. */
    public Filter inChainFilter(String userDn) {
        return Filter.createANDFilter(
                groupFilter, Filter.createExtensibleMatchFilter("member", IN_CHAIN_RULE, false, userDn));
    }

    /**
     * The single entry matching {@code username}; empty when none matches or, since a login name
     * must identify one person, when several do.
     */
    public Optional<SearchResultEntry> findUser(LDAPConnection connection, String username) throws LDAPException {
        if (username == null || username.isBlank() || username.length() > MAX_USERNAME_LENGTH) {
            return Optional.empty();
        }
        List<String> attributes = new ArrayList<>(
                List.of(settings.usernameAttribute(), settings.displayNameAttribute(), settings.emailAttribute()));
        if (settings.membership() == GroupMembership.MEMBER_OF) {
            attributes.add(MEMBER_OF);
        }
        SearchRequest request = new SearchRequest(
                settings.userBaseDn(), SearchScope.SUB, userFilter(username), attributes.toArray(String[]::new));
        request.setSizeLimit(2);
        SearchResult result;
        try {
            result = connection.search(request);
        } catch (LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                LOG.warn(
                        "LDAP user search for one login name matched several entries under {}; refusing it",
                        settings.userBaseDn());
                return Optional.empty();
            }
            throw e;
        }
        List<SearchResultEntry> entries = result.getSearchEntries();
        if (entries.size() != 1 || entries.getFirst().getAttributeValue(settings.usernameAttribute()) == null) {
            return Optional.empty();
        }
        return Optional.of(entries.getFirst());
    }

    /** The user with their group names, read with the service account. */
    public DirectoryUser toUser(LDAPConnection connection, SearchResultEntry entry) throws LDAPException {
        return new DirectoryUser(
                entry.getAttributeValue(settings.usernameAttribute()),
                entry.getAttributeValue(settings.displayNameAttribute()),
                entry.getAttributeValue(settings.emailAttribute()),
                groupsOf(connection, entry));
    }

    private Set<String> groupsOf(LDAPConnection connection, SearchResultEntry user) throws LDAPException {
        if (settings.membership() == GroupMembership.AD_IN_CHAIN) {
            // The domain controller walks the nesting itself; one search returns every group.
            Set<String> names = new TreeSet<>();
            for (SearchResultEntry group : searchGroups(connection, inChainFilter(user.getDN()))) {
                addName(names, group);
            }
            return names;
        }
        // Breadth-first over "is member of" edges; visited DNs make cycles harmless and MAX_DEPTH
        // and MAX_GROUPS bound the work a pathological tree can cause.
        Set<String> names = new TreeSet<>();
        Set<DN> visited = new HashSet<>();
        Deque<SearchResultEntry> frontier = new ArrayDeque<>(parentsOf(connection, user));
        for (int depth = 1; !frontier.isEmpty(); depth++) {
            Deque<SearchResultEntry> next = new ArrayDeque<>();
            for (SearchResultEntry group : frontier) {
                if (!visited.add(group.getParsedDN())) {
                    continue;
                }
                addName(names, group);
                if (visited.size() >= MAX_GROUPS) {
                    LOG.warn("LDAP group expansion stopped at {} groups for {}", MAX_GROUPS, user.getDN());
                    return names;
                }
                if (settings.nestedGroups() && depth < MAX_DEPTH) {
                    next.addAll(parentsOf(connection, group));
                }
            }
            frontier = next;
        }
        return names;
    }

    /** The groups (within the group base and filter) that directly contain {@code entry}. */
    private List<SearchResultEntry> parentsOf(LDAPConnection connection, SearchResultEntry entry) throws LDAPException {
        return switch (settings.membership()) {
            case MEMBER ->
                searchGroups(
                        connection,
                        Filter.createANDFilter(groupFilter, Filter.createEqualityFilter("member", entry.getDN())));
            case UNIQUE_MEMBER ->
                searchGroups(
                        connection,
                        Filter.createANDFilter(
                                groupFilter, Filter.createEqualityFilter("uniqueMember", entry.getDN())));
            case MEMBER_OF -> readGroups(connection, entry.getAttributeValues(MEMBER_OF));
            case AD_IN_CHAIN -> throw new IllegalStateException("AD_IN_CHAIN is resolved by the server");
        };
    }

    private List<SearchResultEntry> searchGroups(LDAPConnection connection, Filter filter) throws LDAPException {
        SearchRequest request = new SearchRequest(
                settings.groupBaseDn(), SearchScope.SUB, filter, settings.groupNameAttribute(), MEMBER_OF);
        return connection.search(request).getSearchEntries();
    }

    /** Reads the group entries named by {@code memberOf} values, skipping any outside the group base. */
    private List<SearchResultEntry> readGroups(LDAPConnection connection, String[] dns) throws LDAPException {
        List<SearchResultEntry> groups = new ArrayList<>();
        if (dns == null) {
            return groups;
        }
        for (String value : dns) {
            if (!DN.isValidDN(value) || !new DN(value).isDescendantOf(groupBase, true)) {
                continue;
            }
            SearchRequest request =
                    new SearchRequest(value, SearchScope.BASE, groupFilter, settings.groupNameAttribute(), MEMBER_OF);
            try {
                groups.addAll(connection.search(request).getSearchEntries());
            } catch (LDAPSearchException e) {
                if (e.getResultCode() != ResultCode.NO_SUCH_OBJECT) {
                    throw e;
                }
                // A memberOf value pointing at a deleted group: not a membership.
            }
        }
        return groups;
    }

    private void addName(Set<String> names, SearchResultEntry group) {
        String name = group.getAttributeValue(settings.groupNameAttribute());
        if (name != null && !name.isBlank()) {
            names.add(name);
        }
    }
}
