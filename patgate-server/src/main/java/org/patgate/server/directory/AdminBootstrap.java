package org.patgate.server.directory;

import java.util.Optional;
import java.util.function.Consumer;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.permission.Permissions;
import org.patgate.server.principal.Permission;
import org.patgate.server.store.Database;
import org.patgate.server.store.GroupRecord;
import org.patgate.server.store.NewUser;
import org.patgate.server.store.UserRecord;

/**
 * The first administrator: at every start, makes sure the bootstrap admin exists, is in the admin
 * group, and that group holds the admin permission. Thread-safe.
 */
public final class AdminBootstrap {

    private final Database database;
    private final Passwords passwords;
    private final Permissions permissions;
    private final AuditLog audit;
    private final String adminGroup;

    public AdminBootstrap(
            Database database, Passwords passwords, Permissions permissions, AuditLog audit, String adminGroup) {
        this.database = database;
        this.passwords = passwords;
        this.permissions = permissions;
        this.audit = audit;
        this.adminGroup = adminGroup;
    }

    /**
     * Makes sure the bootstrap admin exists and is in the admin group, in one transaction. Never
     * overwrites an existing password; when none is configured for a new admin, generates one and
     * announces it once, after the admin is stored.
     */
    public void bootstrapAdmin(String username, String configuredPassword, Consumer<String> announce) {
        boolean generated = configuredPassword == null || configuredPassword.isEmpty();
        char[] password = generated ? passwords.generate() : configuredPassword.toCharArray();
        try {
            boolean created = database.inTransaction("bootstrap admin '" + username + "'", () -> {
                GroupRecord group = database.groups().ensure(adminGroup, "PATgate administrators");
                permissions.ensure(group.name(), Permission.ADMIN);
                Optional<UserRecord> existing = database.users().findByUsername(username);
                UserRecord admin;
                if (existing.isPresent()) {
                    admin = existing.get();
                } else {
                    if (!generated && password.length < Passwords.MIN_PASSWORD_LENGTH) {
                        throw new InvalidRequestException("bootstrap.adminPassword: must be at least "
                                + Passwords.MIN_PASSWORD_LENGTH + " characters");
                    }
                    admin = database.users()
                            .create(new NewUser(
                                    username, "Administrator", null, passwords.hash(password), "local", true));
                    audit.success("system", "user.bootstrap", username, null, generated ? "generated password" : null);
                }
                database.groups().addMember(group.id(), admin.id());
                return existing.isEmpty();
            });
            if (created && generated) {
                announce.accept("Created admin user '" + username + "' with generated password: " + new String(password)
                        + "  (shown once; change it or set bootstrap.adminPassword)");
            } else if (created) {
                announce.accept("Created admin user '" + username + "' with the configured bootstrap password.");
            }
        } finally {
            Passwords.wipe(password);
        }
    }
}
