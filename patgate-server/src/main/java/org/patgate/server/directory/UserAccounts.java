package org.patgate.server.directory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.error.ConflictException;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Change;
import org.patgate.server.store.Database;
import org.patgate.server.store.DuplicateKeyException;
import org.patgate.server.store.NewUser;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;
import org.patgate.server.store.StillReferencedException;
import org.patgate.server.store.UserRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local user accounts as admins manage them: create, list, look up, change, enable or disable,
 * delete. Every change validates first, then writes in one transaction with its audit event;
 * changes to a user's groups or state reach their tokens on the next request. Thread-safe.
 */
public final class UserAccounts {

    private static final Logger LOG = LoggerFactory.getLogger(UserAccounts.class);

    private final Database database;
    private final Passwords passwords;
    private final Groups groups;
    private final AuditLog audit;
    private final String adminGroup;
    private final LongConsumer onUserChanged;
    private final List<RemovalListener> removalListeners = new CopyOnWriteArrayList<>();

    /**
     * Told when a user is disabled (after) or about to be deleted (before), with a reason naming who did
     * it: what was granted to the user elsewhere (a native token on the upstream) can be withdrawn.
     * Must not throw; a failure is logged and does not stop the disabling or deleting.
     */
    @FunctionalInterface
    public interface RemovalListener {
        void removed(long userId, String reason);
    }

    /**
     * @param onUserChanged told the id of a user whose enabled state or groups changed, so caches
     *                      holding that user's tokens can forget them
     */
    public UserAccounts(
            Database database,
            Passwords passwords,
            Groups groups,
            AuditLog audit,
            String adminGroup,
            LongConsumer onUserChanged) {
        this.database = database;
        this.passwords = passwords;
        this.groups = groups;
        this.audit = audit;
        this.adminGroup = adminGroup;
        this.onUserChanged = onUserChanged;
    }

    /** Adds a listener told of every user disabled or deleted from now on. */
    public void onRemoval(RemovalListener listener) {
        removalListeners.add(listener);
    }

    private void removed(long userId, String reason) {
        for (RemovalListener listener : removalListeners) {
            try {
                listener.removed(userId, reason);
            } catch (RuntimeException e) {
                LOG.warn("a listener failed on the removal of user {}", userId, e);
            }
        }
    }

    /** Creates a local user (admins only) and adds them to the named groups, creating missing groups. */
    public UserRecord create(Principal actor, String sourceIp, NewUserRequest request) {
        actor.requireAdmin("create users");
        Map<String, String> errors = UserInput.errors(request);
        if (!errors.isEmpty()) {
            audit.failure(
                    actor.username(), "user.create", UserInput.safe(request.username()), sourceIp, "invalid request");
            throw InvalidRequestException.of(errors);
        }
        String hash = passwords.hash(request.password());
        Arrays.fill(request.password(), '\0');
        String displayName = UserInput.blankToNull(request.displayName());
        try {
            return database.inTransaction("create user '" + request.username() + "'", () -> {
                UserRecord user = database.users()
                        .create(new NewUser(
                                request.username(),
                                displayName == null ? request.username() : displayName,
                                UserInput.blankToNull(request.email()),
                                hash,
                                "local",
                                true));
                groups.addTo(user, request.groups());
                audit.success(
                        actor.username(),
                        "user.create",
                        user.username(),
                        sourceIp,
                        request.groups().isEmpty() ? null : "groups=" + String.join(",", request.groups()));
                return user;
            });
        } catch (DuplicateKeyException e) {
            audit.failure(actor.username(), "user.create", request.username(), sourceIp, "username taken");
            throw new ConflictException("a user named '" + request.username() + "' already exists");
        }
    }

    public Page<UserRecord> list(Principal actor, String text, PageRequest page) {
        actor.requireAdmin("list users");
        return database.users().list(text, page);
    }

    /** A user by name: admins see everyone, others only themselves (404 otherwise). */
    public UserRecord get(Principal actor, String username) {
        Optional<UserRecord> user = database.users().findByUsername(username);
        if (user.isEmpty() || (!actor.admin() && user.get().id() != actor.userId())) {
            throw new NotFoundException("no user named '" + UserInput.safe(username) + "'");
        }
        return user.get();
    }

    /** Enables or disables a user (admins only); a disabled user can neither log in nor use tokens. */
    public UserRecord setEnabled(Principal actor, String sourceIp, String username, boolean enabled) {
        actor.requireAdmin("enable or disable users");
        UserRecord user = get(actor, username);
        if (user.id() == actor.userId() && !enabled) {
            throw new ConflictException("you cannot disable your own account");
        }
        database.inTransaction(
                "enable or disable user " + user.id(), () -> writeEnabled(actor, sourceIp, user, enabled));
        onUserChanged.accept(user.id());
        if (!enabled) {
            removed(user.id(), "user disabled by " + actor.username());
        }
        return database.users().findById(user.id()).orElseThrow();
    }

    private void writeEnabled(Principal actor, String sourceIp, UserRecord user, boolean enabled) {
        database.users().setEnabled(user.id(), enabled);
        database.changes().record(Change.Kind.OWNER, Long.toString(user.id()));
        audit.success(actor.username(), enabled ? "user.enable" : "user.disable", user.username(), sourceIp, null);
    }

    /**
     * Changes a user (admins only): profile, group memberships (missing groups are created),
     * enabled state and password. Everything is validated before anything changes, and all of it
     * changes in one transaction. Administrators cannot disable themselves nor leave the admin
     * group. Changes to groups or the enabled state reach the user's tokens on the next request;
     * audited as {@code user.update} naming the changed fields (never the password), and
     * {@code user.enable} or {@code user.disable}.
     */
    public UserRecord update(Principal actor, String sourceIp, String username, UserChange change) {
        actor.requireAdmin("change users");
        UserRecord user = get(actor, username);
        if (change.isEmpty()) {
            throw new InvalidRequestException(
                    "nothing to change: give one or more of displayName, email, groups, " + "enabled, password");
        }
        Map<String, String> errors = UserInput.errors(change);
        if (!errors.isEmpty()) {
            audit.failure(actor.username(), "user.update", user.username(), sourceIp, "invalid request");
            throw InvalidRequestException.of(errors);
        }
        boolean self = user.id() == actor.userId();
        if (self && Boolean.FALSE.equals(change.enabled())) {
            throw new ConflictException("you cannot disable your own account");
        }
        if (self && change.groups() != null && change.groups().stream().noneMatch(adminGroup::equalsIgnoreCase)) {
            throw new ConflictException("you cannot remove yourself from the admin group '" + adminGroup + "'");
        }
        if (!user.source().equals("local")
                && (change.password() != null
                        || change.displayName() != null
                        || change.email() != null
                        || change.groups() != null)) {
            throw new ConflictException("user '" + user.username() + "' comes from the " + user.source()
                    + " directory; change it there (only enabled can be set here)");
        }
        String hash = null;
        if (change.password() != null) {
            hash = passwords.hash(change.password());
            Arrays.fill(change.password(), '\0');
        }
        String passwordHash = hash;
        UserRecord changed = database.inTransaction("change user " + user.id(), () -> {
            write(actor, sourceIp, user, change, passwordHash);
            // enabling and disabling keep their own audit actions
            if (change.enabled() != null) {
                writeEnabled(actor, sourceIp, user, change.enabled());
            }
            return database.users().findById(user.id()).orElseThrow();
        });
        if (change.groups() != null || change.enabled() != null) {
            onUserChanged.accept(user.id());
        }
        if (Boolean.FALSE.equals(change.enabled())) {
            removed(user.id(), "user disabled by " + actor.username());
        }
        return changed;
    }

    private void write(Principal actor, String sourceIp, UserRecord user, UserChange change, String passwordHash) {
        List<String> changed = new ArrayList<>();
        if (change.displayName() != null || change.email() != null) {
            String displayName = change.displayName() == null
                    ? user.displayName()
                    : change.displayName().isBlank()
                            ? user.username()
                            : change.displayName().strip();
            String email = change.email() == null ? user.email() : UserInput.blankToNull(change.email());
            database.users().setProfile(user.id(), displayName, email);
            if (change.displayName() != null) {
                changed.add("displayName");
            }
            if (change.email() != null) {
                changed.add("email");
            }
        }
        if (change.groups() != null) {
            groups.replace(user, change.groups());
            database.changes().record(Change.Kind.OWNER, Long.toString(user.id()));
            changed.add("groups=" + String.join(",", change.groups()));
        }
        if (passwordHash != null) {
            database.users().setPasswordHash(user.id(), passwordHash);
            changed.add("password");
        }
        if (!changed.isEmpty()) {
            audit.success(actor.username(), "user.update", user.username(), sourceIp, String.join(" ", changed));
        }
    }

    /**
     * Deletes a user (admins only) together with the tokens they own, which stop working on the next
     * request. A user who created, revoked or approved other users' tokens is kept (409; disable them
     * instead) so that the record of who did what stays whole. Nobody deletes themselves.
     * Audited as {@code user.delete} with the number of tokens removed.
     */
    public void delete(Principal actor, String sourceIp, String username) {
        actor.requireAdmin("delete users");
        UserRecord user = get(actor, username);
        if (user.id() == actor.userId()) {
            throw new ConflictException("you cannot delete your own account");
        }
        // Before: what the listeners withdraw is found through the user. Should the delete then be refused,
        // the user was meant to go anyway and has lost only what the listeners withdrew.
        removed(user.id(), "user deleted by " + actor.username());
        try {
            database.inTransaction("delete user " + user.id(), () -> {
                long tokens = database.users().delete(user.id());
                if (tokens < 0) {
                    throw new NotFoundException("no user named '" + UserInput.safe(username) + "'");
                }
                database.changes().record(Change.Kind.OWNER, Long.toString(user.id()));
                audit.success(actor.username(), "user.delete", user.username(), sourceIp, "tokens deleted=" + tokens);
            });
        } catch (StillReferencedException e) {
            audit.failure(actor.username(), "user.delete", user.username(), sourceIp, "still named by others' tokens");
            throw new ConflictException("user '" + user.username() + "' created, revoked or decided on other users' "
                    + "tokens; disable the user instead so that record stays");
        }
        onUserChanged.accept(user.id());
    }
}
