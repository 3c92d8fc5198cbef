package org.patgate.server.directory;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.patgate.server.permission.Permissions;
import org.patgate.server.principal.Permission;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Database;
import org.patgate.server.store.UserRecord;

/**
 * Users, groups and passwords kept in PATgate's own database. Authentication verifies an Argon2id
 * hash; an unknown user costs the same hash as a known one so response time does not reveal which
 * usernames exist. Disabled users never authenticate. Thread-safe.
 */
public final class LocalDirectory {

    private final Database database;
    private final PasswordHasher hasher;
    private final Permissions permissions;
    /** Hashed once, off the start-up path (an Argon2id hash costs a noticeable part of a start). */
    private final CompletableFuture<String> dummyHash;

    private final RecentLogins recentLogins = new RecentLogins();

    public LocalDirectory(Database database, PasswordHasher hasher, Permissions permissions) {
        this.database = database;
        this.hasher = hasher;
        this.permissions = permissions;
        this.dummyHash = CompletableFuture.supplyAsync(
                () -> hasher.hashInSlot("not-a-real-password-only-for-timing".toCharArray()),
                task -> Thread.ofVirtual().name("patgate-dummy-hash").start(task));
    }

    /**
     * Checks a username and password; empty on any mismatch, unknown or disabled user. The lookup
     * and the check run in one slot of the hasher's cap, so a login burst beyond the cap is refused
     * before it reaches the database too.
     *
     * @throws PasswordChecksBusyException when the cap is reached
     */
    public Optional<Principal> authenticate(String username, char[] password) {
        return hasher.limit().run(() -> authenticateInSlot(username, password));
    }

    /**
     * The principal when this username and password were verified lately and the user's password
     * hash is still the one they were verified against (see {@link RecentLogins}); empty otherwise,
     * and then the caller checks the password in full. Costs no password check and, unless the
     * credentials were verified lately, no database read.
     */
    public Optional<Principal> verifiedRecently(String username, char[] password) {
        if (username == null || username.isEmpty() || password == null) {
            return Optional.empty();
        }
        String verifiedHash = recentLogins.hashVerifiedFor(username, password);
        if (verifiedHash == null) {
            return Optional.empty();
        }
        Optional<UserRecord> user = database.users().findByUsername(username);
        if (user.isEmpty()
                || !user.get().enabled()
                || !RecentLogins.stillCurrent(verifiedHash, user.get().passwordHash())) {
            recentLogins.forget(username, password);
            return Optional.empty();
        }
        return Optional.of(toPrincipal(user.get()));
    }

    private Optional<Principal> authenticateInSlot(String username, char[] password) {
        Optional<UserRecord> user = username == null || username.isEmpty()
                ? Optional.empty()
                : database.users().findByUsername(username);
        String hash = user.map(UserRecord::passwordHash).orElse(null);
        boolean matches = hasher.verifyInSlot(password, hash == null ? dummyHash.join() : hash) && hash != null;
        if (!matches || !user.get().enabled()) {
            return Optional.empty();
        }
        recentLogins.remember(username, password, hash);
        return Optional.of(toPrincipal(user.get()));
    }

    /** The enabled user with this name, as a principal; empty if unknown or disabled. */
    public Optional<Principal> lookup(String username) {
        return database.users()
                .findByUsername(username)
                .filter(UserRecord::enabled)
                .map(this::toPrincipal);
    }

    /** The principal for a user record, with current group memberships and the permissions they grant. */
    public Principal toPrincipal(UserRecord user) {
        Set<String> groups = new HashSet<>(database.groups().groupNamesOf(user.id()));
        return new Principal(user.id(), user.username(), user.displayName(), groups, permissions.of(groups));
    }

    /** Whether the user exists, is enabled and may use tokens right now. */
    public boolean mayUseTokens(UserRecord user) {
        return user.enabled()
                && permissions.of(database.groups().groupNamesOf(user.id())).contains(Permission.USE_TOKENS);
    }
}
