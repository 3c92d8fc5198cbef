package org.patgate.server.directory;

import org.patgate.server.principal.Principal;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import org.patgate.core.text.UnsafeText;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.error.ConflictException;
import org.patgate.server.error.ForbiddenException;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.principal.Permission;
import org.patgate.server.permission.Permissions;
import org.patgate.server.store.Database;
import org.patgate.server.store.DuplicateKeyException;
import org.patgate.server.store.GroupRecord;
import org.patgate.server.store.GroupRepository;
import org.patgate.server.store.StillReferencedException;
import org.patgate.server.store.NewUser;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;
import org.patgate.server.store.UserRecord;

/**
 * Manages local users and their group memberships: validation, password hashing, audit. Every
 * method takes the acting principal and checks that it may act. Thread-safe.
 */
public final class UserService {

    public static final int MIN_PASSWORD_LENGTH = 12;
    private static final int MAX_PASSWORD_LENGTH = 1024;
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._ -]{0,63}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}");

    private final Database database;
    private final PasswordHasher hasher;
    private final Directories directory;
    private final AuditLog audit;
    private final String adminGroup;
    private final SecureRandom random;
    private final LongConsumer onUserChanged;

    /**
     * @param onUserChanged told the id of a user whose enabled state or groups changed, so caches
     *                      holding that user's tokens can forget them
     */
    private final Permissions permissions;

    public UserService(Database database, PasswordHasher hasher, Directories directory, AuditLog audit,
            String adminGroup, SecureRandom random, LongConsumer onUserChanged, Permissions permissions) {
        this.permissions = permissions;
        this.onUserChanged = onUserChanged;
        this.database = database;
        this.hasher = hasher;
        this.directory = directory;
        this.audit = audit;
        this.adminGroup = adminGroup;
        this.random = random;
    }

    /** What a new user needs; {@code password} is wiped by {@link #create} once hashed. */
    public record NewUserRequest(String username, char[] password, String displayName, String email, List<String> groups) {
        public NewUserRequest {
            groups = groups == null ? List.of() : List.copyOf(groups);
        }

        @Override
        public String toString() {
            return "NewUserRequest[username=" + username + ", groups=" + groups + "]";
        }
    }

    /** Creates a local user (admins only) and adds them to the named groups, creating missing groups. */
    public UserRecord create(Principal actor, String sourceIp, NewUserRequest request) {
        requireAdmin(actor, "create users");
        Map<String, String> errors = validate(request);
        if (!errors.isEmpty()) {
            audit.failure(actor.username(), "user.create", safe(request.username()), sourceIp, "invalid request");
            throw InvalidRequestException.of(errors);
        }
        String hash = hasher.hash(request.password());
        java.util.Arrays.fill(request.password(), '\0');
        String displayName = blankToNull(request.displayName());
        UserRecord user;
        try {
            user = database.users().create(new NewUser(request.username(),
                    displayName == null ? request.username() : displayName, blankToNull(request.email()), hash,
                    "local", true));
        } catch (DuplicateKeyException e) {
            audit.failure(actor.username(), "user.create", request.username(), sourceIp, "username taken");
            throw new ConflictException("a user named '" + request.username() + "' already exists");
        }
        for (String group : request.groups()) {
            GroupRecord record = database.groups().ensure(group, null);
            database.groups().addMember(record.id(), user.id());
        }
        audit.success(actor.username(), "user.create", user.username(), sourceIp,
                request.groups().isEmpty() ? null : "groups=" + String.join(",", request.groups()));
        return user;
    }

    public Page<UserRecord> list(Principal actor, String text, PageRequest page) {
        requireAdmin(actor, "list users");
        return database.users().list(text, page);
    }

    /** A user by name: admins see everyone, others only themselves (404 otherwise). */
    public UserRecord get(Principal actor, String username) {
        Optional<UserRecord> user = database.users().findByUsername(username);
        if (user.isEmpty() || (!actor.admin() && user.get().id() != actor.userId())) {
            throw new NotFoundException("no user named '" + safe(username) + "'");
        }
        return user.get();
    }

    /** The user's groups: stored ones for local users, the directory's for LDAP users (empty when it cannot answer). */
    public List<String> groupsOf(UserRecord user) {
        if (NewUser.SOURCE_LDAP.equals(user.source())) {
            return directory.groupsOf(user.id()).stream().sorted().toList();
        }
        return database.groups().groupNamesOf(user.id());
    }

    /** Enables or disables a user (admins only); a disabled user can neither log in nor use tokens. */
    public UserRecord setEnabled(Principal actor, String sourceIp, String username, boolean enabled) {
        requireAdmin(actor, "enable or disable users");
        UserRecord user = get(actor, username);
        if (user.id() == actor.userId() && !enabled) {
            throw new ConflictException("you cannot disable your own account");
        }
        database.users().setEnabled(user.id(), enabled);
        onUserChanged.accept(user.id());
        audit.success(actor.username(), enabled ? "user.enable" : "user.disable", user.username(), sourceIp, null);
        return database.users().findById(user.id()).orElseThrow();
    }

    /**
     * A change to a user; every field is optional (null: unchanged). An empty {@code email} clears
     * it, an empty {@code displayName} resets it to the username; {@code groups} replaces the
     * memberships; {@code password} is wiped by {@link #update} once hashed.
     */
    public record UserChange(String displayName, String email, List<String> groups, Boolean enabled, char[] password) {
        public UserChange {
            groups = groups == null ? null : List.copyOf(groups);
        }

        boolean isEmpty() {
            return displayName == null && email == null && groups == null && enabled == null && password == null;
        }

        @Override
        public String toString() {
            return "UserChange[displayName=" + displayName + ", email=" + email + ", groups=" + groups + ", enabled="
                    + enabled + ", password=" + (password == null ? "unchanged" : "******") + "]";
        }
    }

    /**
     * Changes a user (admins only): profile, group memberships (missing groups are created),
     * enabled state and password. Everything is validated before anything changes. Administrators
     * cannot disable themselves nor leave the admin group. Changes to groups or the enabled state
     * reach the user's tokens on the next request; audited as {@code user.update} naming the changed
     * fields (never the password), and {@code user.enable} or {@code user.disable}.
     */
    public UserRecord update(Principal actor, String sourceIp, String username, UserChange change) {
        requireAdmin(actor, "change users");
        UserRecord user = get(actor, username);
        if (change.isEmpty()) {
            throw new InvalidRequestException("nothing to change: give one or more of displayName, email, groups, "
                    + "enabled, password");
        }
        Map<String, String> errors = validateChange(change);
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
        if (!user.source().equals("local") && (change.password() != null || change.displayName() != null
                || change.email() != null || change.groups() != null)) {
            throw new ConflictException("user '" + user.username() + "' comes from the " + user.source()
                    + " directory; change it there (only enabled can be set here)");
        }
        List<String> changed = new java.util.ArrayList<>();
        if (change.displayName() != null || change.email() != null) {
            String displayName = change.displayName() == null ? user.displayName()
                    : change.displayName().isBlank() ? user.username() : change.displayName().strip();
            String email = change.email() == null ? user.email() : blankToNull(change.email());
            database.users().setProfile(user.id(), displayName, email);
            if (change.displayName() != null) {
                changed.add("displayName");
            }
            if (change.email() != null) {
                changed.add("email");
            }
        }
        if (change.groups() != null) {
            replaceGroups(user, change.groups());
            changed.add("groups=" + String.join(",", change.groups()));
        }
        if (change.password() != null) {
            String hash = hasher.hash(change.password());
            java.util.Arrays.fill(change.password(), '\0');
            database.users().setPasswordHash(user.id(), hash);
            changed.add("password");
        }
        if (change.groups() != null) {
            onUserChanged.accept(user.id());
        }
        if (!changed.isEmpty()) {
            audit.success(actor.username(), "user.update", user.username(), sourceIp, String.join(" ", changed));
        }
        // enabling and disabling keep their own audit actions
        return change.enabled() == null ? database.users().findById(user.id()).orElseThrow()
                : setEnabled(actor, sourceIp, user.username(), change.enabled());
    }

    /**
     * Changes the caller's own local password after checking the current one; a wrong current
     * password is a 400 on {@code currentPassword} and audited as a failure. Both arrays are wiped.
     */
    public void changeOwnPassword(Principal actor, String sourceIp, char[] currentPassword, char[] newPassword) {
        try {
            Map<String, String> errors = new LinkedHashMap<>();
            if (currentPassword == null || currentPassword.length == 0) {
                errors.put("currentPassword", "required");
            }
            passwordErrors(newPassword, "newPassword", errors);
            if (!errors.isEmpty()) {
                throw InvalidRequestException.of(errors);
            }
            UserRecord user = database.users().findById(actor.userId())
                    .orElseThrow(() -> new NotFoundException("your user no longer exists"));
            if (!user.source().equals("local")) {
                throw new ConflictException("your account comes from the " + user.source()
                        + " directory; change your password there");
            }
            if (directory.authenticate(user.username(), currentPassword).isEmpty()) {
                audit.failure(actor.username(), "user.password", user.username(), sourceIp, "wrong current password");
                throw new InvalidRequestException("currentPassword: wrong password",
                        Map.of("currentPassword", "wrong password"));
            }
            database.users().setPasswordHash(user.id(), hasher.hash(newPassword));
            audit.success(actor.username(), "user.password", user.username(), sourceIp, null);
        } finally {
            if (currentPassword != null) {
                java.util.Arrays.fill(currentPassword, '\0');
            }
            if (newPassword != null) {
                java.util.Arrays.fill(newPassword, '\0');
            }
        }
    }

    /**
     * Deletes a user (admins only) together with the tokens they own, which stop working on the next
     * request. A user who created, revoked or approved other users' tokens is kept (409; disable them
     * instead) so that the record of who did what stays whole. Nobody deletes themselves.
     * Audited as {@code user.delete} with the number of tokens removed.
     */
    public void delete(Principal actor, String sourceIp, String username) {
        requireAdmin(actor, "delete users");
        UserRecord user = get(actor, username);
        if (user.id() == actor.userId()) {
            throw new ConflictException("you cannot delete your own account");
        }
        long tokens;
        try {
            tokens = database.users().delete(user.id());
        } catch (StillReferencedException e) {
            audit.failure(actor.username(), "user.delete", user.username(), sourceIp, "still named by others' tokens");
            throw new ConflictException("user '" + user.username() + "' created, revoked or decided on other users' "
                    + "tokens; disable the user instead so that record stays");
        }
        if (tokens < 0) {
            throw new NotFoundException("no user named '" + safe(username) + "'");
        }
        onUserChanged.accept(user.id());
        audit.success(actor.username(), "user.delete", user.username(), sourceIp, "tokens deleted=" + tokens);
    }

    /** Every group with its number of members (admins only). */
    public List<GroupRepository.GroupCount> groups(Principal actor) {
        requireAdmin(actor, "list groups");
        return database.groups().listWithMemberCounts();
    }

    private void replaceGroups(UserRecord user, List<String> wanted) {
        java.util.Set<String> wantedKeys = new java.util.HashSet<>();
        for (String group : wanted) {
            wantedKeys.add(group.toLowerCase(java.util.Locale.ROOT));
            database.groups().addMember(database.groups().ensure(group, null).id(), user.id());
        }
        for (String current : database.groups().groupNamesOf(user.id())) {
            if (!wantedKeys.contains(current.toLowerCase(java.util.Locale.ROOT))) {
                database.groups().findByName(current).ifPresent(g -> database.groups().removeMember(g.id(), user.id()));
            }
        }
    }

    private Map<String, String> validateChange(UserChange change) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (change.password() != null) {
            passwordErrors(change.password(), "password", errors);
        }
        profileErrors(change.displayName(), change.email(), change.groups() == null ? List.of() : change.groups(), errors);
        return errors;
    }

    private static void passwordErrors(char[] password, String field, Map<String, String> errors) {
        if (password == null || password.length < MIN_PASSWORD_LENGTH) {
            errors.put(field, "required; at least " + MIN_PASSWORD_LENGTH + " characters");
        } else if (password.length > MAX_PASSWORD_LENGTH) {
            errors.put(field, "at most " + MAX_PASSWORD_LENGTH + " characters");
        }
    }

    private static void profileErrors(String displayName, String email, List<String> groups, Map<String, String> errors) {
        if (displayName != null && displayName.length() > 255) {
            errors.put("displayName", "at most 255 characters");
        } else if (UnsafeText.firstUnsafe(displayName) != null) {
            errors.put("displayName", "no control or bidirectional formatting characters (found "
                    + UnsafeText.firstUnsafe(displayName) + ")");
        }
        if (email != null && !email.isEmpty() && !EMAIL.matcher(email).matches()) {
            errors.put("email", "not an email address");
        }
        for (String group : groups) {
            if (group == null || !GROUP_NAME.matcher(group).matches()) {
                errors.put("groups", "group names are 1-64 letters, digits, '.', '_', ' ', '-': '" + safe(group) + "'");
            }
        }
    }

    /**
     * Makes sure the bootstrap admin exists and is in the admin group. Never overwrites an existing
     * password; when none is configured for a new admin, generates one and announces it once.
     */
    public void bootstrapAdmin(String username, String configuredPassword, Consumer<String> announce) {
        GroupRecord group = database.groups().ensure(adminGroup, "PATgate administrators");
        permissions.ensure(group.name(), Permission.ADMIN);
        Optional<UserRecord> existing = database.users().findByUsername(username);
        UserRecord admin;
        if (existing.isPresent()) {
            admin = existing.get();
        } else {
            boolean generated = configuredPassword == null || configuredPassword.isEmpty();
            char[] password = generated ? generatePassword() : configuredPassword.toCharArray();
            if (!generated && password.length < MIN_PASSWORD_LENGTH) {
                throw new InvalidRequestException("bootstrap.adminPassword: must be at least "
                        + MIN_PASSWORD_LENGTH + " characters");
            }
            admin = database.users().create(new NewUser(username, "Administrator", null, hasher.hash(password),
                    "local", true));
            audit.success("system", "user.bootstrap", username, null, generated ? "generated password" : null);
            if (generated) {
                announce.accept("Created admin user '" + username + "' with generated password: "
                        + new String(password) + "  (shown once; change it or set bootstrap.adminPassword)");
            } else {
                announce.accept("Created admin user '" + username + "' with the configured bootstrap password.");
            }
        }
        database.groups().addMember(group.id(), admin.id());
    }

    /** A random password of 20 characters from an unambiguous alphabet (about 116 bits). */
    public char[] generatePassword() {
        return generatePassword(random);
    }

    /** As {@link #generatePassword()}, with the given source of randomness. */
    public static char[] generatePassword(SecureRandom random) {
        char[] password = new char[20];
        for (int i = 0; i < password.length; i++) {
            password[i] = PASSWORD_ALPHABET[random.nextInt(PASSWORD_ALPHABET.length)];
        }
        return password;
    }

    private static final char[] PASSWORD_ALPHABET =
            "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    public Directories directory() {
        return directory;
    }

    private Map<String, String> validate(NewUserRequest request) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (request.username() == null || !USERNAME.matcher(request.username()).matches()) {
            errors.put("username", "required; 1-64 characters of letters, digits, '.', '_', '@', '-', "
                    + "starting with a letter or digit");
        }
        passwordErrors(request.password(), "password", errors);
        profileErrors(request.displayName(), request.email(), request.groups(), errors);
        return errors;
    }

    private static void requireAdmin(Principal actor, String what) {
        if (!actor.admin()) {
            throw new ForbiddenException("only administrators may " + what);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Echoes user input into messages only in a bounded, printable form. */
    static String safe(String value) {
        if (value == null) {
            return "";
        }
        String printable = value.codePoints().filter(c -> !UnsafeText.isUnsafe(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() > 64 ? printable.substring(0, 64) + "…" : printable;
    }
}
