package org.patgate.server.directory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.patgate.server.directory.ldap.DirectoryUnavailableException;
import org.patgate.server.directory.ldap.DirectoryUser;
import org.patgate.server.directory.ldap.LdapDirectory;
import org.patgate.server.error.ConflictException;
import org.patgate.server.permission.Permissions;
import org.patgate.server.principal.Permission;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Database;
import org.patgate.server.store.DuplicateKeyException;
import org.patgate.server.store.NewUser;
import org.patgate.server.store.UserRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user directories in the order they are asked: PATgate's own (local) users first, then the
 * LDAP or Active Directory server when one is configured.
 *
 * <p>A username that exists as a local user is always local: it is never looked up in LDAP, so a
 * directory entry of the same name cannot take over a local account (the bootstrap admin, a
 * technical user). Any other username is checked against LDAP. An LDAP user gets a <em>shadow
 * row</em> in the users table (source {@code ldap}, no password) the first time they log in, so
 * their tokens have an owner; disabling that row in PATgate stops them like a local user. Their
 * groups always come from the directory (through {@link LdapDirectory}'s membership cache), never
 * from the database, and the permissions of those groups are PATgate's grants by group name.
 *
 * <p>Fail closed: when the directory cannot confirm an LDAP user (unreachable after the membership
 * cache TTL, deleted, filtered out, disabled), that user may not use tokens. Thread-safe.
 */
public final class Directories implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Directories.class);

    /** Why a token's owner may not use tokens; shown in the token view. */
    static final String DISABLED = "its owner is disabled";

    static final String NO_PERMISSION = "its owner no longer holds the use-tokens permission";

    private final Database database;
    private final LocalDirectory local;
    private final Optional<LdapDirectory> ldap;
    private final Permissions permissions;
    /** LDAP binds are no Argon2, but each holds a thread and a connection: a login burst may not pile them up. */
    private final PasswordCheckLimit ldapLogins =
            new PasswordCheckLimit("LDAP logins", MAX_LDAP_LOGINS, MAX_LDAP_LOGINS, PasswordCheckLimit.DEFAULT_WAIT);

    static final int MAX_LDAP_LOGINS = 16;

    /**
     * @param ldap the LDAP directory, or empty for local users only; closed by {@link #close()}
     */
    public Directories(Database database, LocalDirectory local, Optional<LdapDirectory> ldap, Permissions permissions) {
        this.database = database;
        this.local = local;
        this.ldap = ldap;
        this.permissions = permissions;
    }

    /**
     * Checks a login: a local user against their password hash, anyone else against LDAP (creating
     * their shadow row on the first success). Empty on any mismatch, unknown or disabled user.
     *
     * @throws DirectoryUnavailableException when the username is not local and LDAP cannot be asked
     * @throws PasswordChecksBusyException when too many password checks or LDAP binds run already
     */
    public Optional<Principal> authenticate(String username, char[] password) {
        if (ldap.isEmpty() || username == null || username.isEmpty()) {
            return local.authenticate(username, password);
        }
        // The lookup that decides local or LDAP runs in the slot too: a burst beyond it reaches neither.
        return ldapLogins.run(() ->
                isLocal(username) ? local.authenticate(username, password) : authenticateWithLdap(username, password));
    }

    /**
     * A local login verified lately whose password is unchanged (see {@link LocalDirectory#verifiedRecently});
     * empty otherwise. LDAP logins are never remembered: the directory checks each one.
     */
    public Optional<Principal> verifiedRecently(String username, char[] password) {
        return local.verifiedRecently(username, password);
    }

    private Optional<Principal> authenticateWithLdap(String username, char[] password) {
        Optional<DirectoryUser> found = ldap.get().authenticate(username, password);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        DirectoryUser user = found.get();
        // The directory's own spelling of the name may differ from what was typed (or a filter may
        // accept an e-mail address): a local user of that name still stays local.
        Optional<UserRecord> row = shadowRow(user);
        if (row.isEmpty() || !row.get().enabled()) {
            return Optional.empty();
        }
        return Optional.of(principal(row.get(), user.groups()));
    }

    /**
     * The principal for a stored user, with the groups of the directory the user belongs to.
     *
     * @throws DirectoryUnavailableException for an LDAP user when the directory cannot be asked
     * @throws ConflictException for an LDAP user the directory no longer has
     */
    public Principal toPrincipal(UserRecord user) {
        if (!isLdapRow(user)) {
            return local.toPrincipal(user);
        }
        Set<String> groups = ldapGroups(user.username())
                .orElseThrow(() ->
                        new ConflictException("user '" + user.username() + "' is no longer in the LDAP directory"));
        return principal(user, groups);
    }

    /** Whether the user exists, is enabled and may use tokens right now; false when unsure. */
    public boolean mayUseTokens(UserRecord user) {
        return whyNoTokens(user) == null;
    }

    /**
     * Why this user may not use tokens right now, in words for the token view; null when they may.
     * Never throws: a directory that cannot answer is a reason.
     */
    public String whyNoTokens(UserRecord user) {
        if (!user.enabled()) {
            return DISABLED;
        }
        if (!isLdapRow(user)) {
            return local.mayUseTokens(user) ? null : NO_PERMISSION;
        }
        try {
            Optional<Set<String>> groups = ldapGroups(user.username());
            if (groups.isEmpty()) {
                return "its owner no longer exists (or is disabled) in the LDAP directory";
            }
            return permissions.of(groups.get()).contains(Permission.USE_TOKENS) ? null : NO_PERMISSION;
        } catch (DirectoryUnavailableException e) {
            return "its owner's groups cannot be confirmed: the LDAP directory is unavailable";
        }
    }

    /** The groups of an enabled user by name, from their directory; empty when unknown, disabled or unsure. */
    public Set<String> groupsOf(String username) {
        Optional<UserRecord> row = username == null || username.isEmpty()
                ? Optional.empty()
                : database.users().findByUsername(username);
        if (row.isPresent() && !row.get().enabled()) {
            return Set.of();
        }
        if (row.isPresent() && !isLdapRow(row.get())) {
            return Set.copyOf(database.groups().groupNamesOf(row.get().id()));
        }
        return safeLdapGroups(username);
    }

    /** The groups of a stored user by id (identity JWT claims); empty when unknown or unsure. */
    public Set<String> groupsOf(long userId) {
        Optional<UserRecord> row = database.users().findById(userId);
        if (row.isEmpty()) {
            return Set.of();
        }
        return isLdapRow(row.get())
                ? safeLdapGroups(row.get().username())
                : Set.copyOf(database.groups().groupNamesOf(userId));
    }

    /**
     * A stored user by name; an LDAP user who never logged in gets their shadow row now (so an admin
     * can create a token on their behalf). Empty when no directory knows the name.
     *
     * @throws DirectoryUnavailableException when the name is not stored and LDAP cannot be asked
     */
    /**
     * The stored, enabled user of this name as a principal, with the groups of their directory; empty
     * when unknown, disabled, or no longer in the LDAP directory. Never adds a user.
     *
     * @throws DirectoryUnavailableException for an LDAP user when the directory cannot be asked
     */
    public Optional<Principal> lookup(String username) {
        return database.users()
                .findByUsername(username)
                .filter(UserRecord::enabled)
                .flatMap(user -> {
                    try {
                        return Optional.of(toPrincipal(user));
                    } catch (ConflictException gone) {
                        return Optional.empty();
                    }
                });
    }

    public Optional<UserRecord> findOrProvision(String username) {
        Optional<UserRecord> row = database.users().findByUsername(username);
        if (row.isPresent() || ldap.isEmpty()) {
            return row;
        }
        return ldap.get().lookup(username).flatMap(this::shadowRow);
    }

    /**
     * A fingerprint of the user's stored password hash that changes whenever the password is
     * changed or reset (sessions signed in with an older password end); empty for a user without
     * a stored password (LDAP users) or one that no longer exists.
     */
    public String passwordStamp(long userId) {
        return database.users()
                .findById(userId)
                .map(UserRecord::passwordHash)
                .map(Directories::sha256Hex)
                .orElse("");
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The LDAP directory, when one is configured (status and connection test). */
    public Optional<LdapDirectory> ldap() {
        return ldap;
    }

    public LocalDirectory local() {
        return local;
    }

    @Override
    public void close() {
        ldap.ifPresent(LdapDirectory::close);
    }

    private boolean isLocal(String username) {
        return database.users()
                .findByUsername(username)
                .filter(row -> !isLdapRow(row))
                .isPresent();
    }

    private static boolean isLdapRow(UserRecord user) {
        return NewUser.SOURCE_LDAP.equals(user.source());
    }

    /** Present while the directory has the user; empty if it does not, or no LDAP directory is configured. */
    private Optional<Set<String>> ldapGroups(String username) {
        if (ldap.isEmpty()) {
            return Optional.empty();
        }
        return ldap.get().lookup(username).map(DirectoryUser::groups);
    }

    private Set<String> safeLdapGroups(String username) {
        try {
            return ldapGroups(username).orElse(Set.of());
        } catch (DirectoryUnavailableException e) {
            return Set.of();
        }
    }

    /** The directory user's row: their shadow row, created if missing; empty if the name is a local user's. */
    private Optional<UserRecord> shadowRow(DirectoryUser user) {
        Optional<UserRecord> existing = database.users().findByUsername(user.username());
        if (existing.isEmpty()) {
            try {
                existing = Optional.of(database.users()
                        .create(new NewUser(
                                user.username(),
                                bounded(user.displayName() == null ? user.username() : user.displayName(), 255),
                                user.email() == null || user.email().length() > 320 ? null : user.email(),
                                null,
                                NewUser.SOURCE_LDAP,
                                true)));
                LOG.info("LDAP user '{}' logged in for the first time; added as a directory user", user.username());
            } catch (DuplicateKeyException e) {
                // Created by a concurrent login of the same user.
                existing = database.users().findByUsername(user.username());
            }
        }
        if (existing.isPresent() && !isLdapRow(existing.get())) {
            LOG.warn(
                    "LDAP user '{}' has the name of a local user; the local user wins and the LDAP login is refused",
                    user.username());
            return Optional.empty();
        }
        return existing.map(row -> withCurrentProfile(row, user));
    }

    /** The directory owns an LDAP user's name and e-mail: a change there is copied at the next login or lookup. */
    private UserRecord withCurrentProfile(UserRecord row, DirectoryUser user) {
        String displayName = bounded(user.displayName() == null ? user.username() : user.displayName(), 255);
        String email = user.email() == null || user.email().length() > 320 ? null : user.email();
        if (displayName.equals(row.displayName()) && Objects.equals(email, row.email())) {
            return row;
        }
        database.users().setProfile(row.id(), displayName, email);
        LOG.info("LDAP user '{}': display name or e-mail changed in the directory; updated", user.username());
        return database.users().findById(row.id()).orElse(row);
    }

    private Principal principal(UserRecord user, Set<String> groups) {
        Set<String> copy = new HashSet<>(groups);
        return new Principal(user.id(), user.username(), user.displayName(), copy, permissions.of(copy));
    }

    private static String bounded(String text, int max) {
        return text.length() > max ? text.substring(0, max) : text;
    }
}
