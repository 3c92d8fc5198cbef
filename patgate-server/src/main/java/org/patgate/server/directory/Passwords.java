package org.patgate.server.directory;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.error.ConflictException;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Database;
import org.patgate.server.store.UserRecord;

/**
 * Local passwords: how long they must be, hashing them, generating them, and users changing their
 * own. Password arrays handed in are wiped once used. Thread-safe.
 */
public final class Passwords {

    public static final int MIN_PASSWORD_LENGTH = UserInput.MIN_PASSWORD_LENGTH;
    private static final char[] PASSWORD_ALPHABET =
            "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    private final Database database;
    private final PasswordHasher hasher;
    private final Directories directory;
    private final AuditLog audit;
    private final SecureRandom random;

    public Passwords(
            Database database, PasswordHasher hasher, Directories directory, AuditLog audit, SecureRandom random) {
        this.database = database;
        this.hasher = hasher;
        this.directory = directory;
        this.audit = audit;
        this.random = random;
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
            UserInput.passwordErrors(newPassword, "newPassword", errors);
            if (!errors.isEmpty()) {
                throw InvalidRequestException.of(errors);
            }
            UserRecord user = database.users()
                    .findById(actor.userId())
                    .orElseThrow(() -> new NotFoundException("your user no longer exists"));
            if (!user.source().equals("local")) {
                throw new ConflictException(
                        "your account comes from the " + user.source() + " directory; change your password there");
            }
            if (directory.authenticate(user.username(), currentPassword).isEmpty()) {
                audit.failure(actor.username(), "user.password", user.username(), sourceIp, "wrong current password");
                throw new InvalidRequestException(
                        "currentPassword: wrong password", Map.of("currentPassword", "wrong password"));
            }
            String hash = hasher.hash(newPassword);
            database.inTransaction("change the password of " + user.username(), () -> {
                database.users().setPasswordHash(user.id(), hash);
                audit.success(actor.username(), "user.password", user.username(), sourceIp, null);
            });
        } finally {
            wipe(currentPassword);
            wipe(newPassword);
        }
    }

    /** The stored form of {@code password} (the caller wipes the array). */
    String hash(char[] password) {
        return hasher.hash(password);
    }

    /** A random password of 20 characters from an unambiguous alphabet (about 116 bits). */
    public char[] generate() {
        return generate(random);
    }

    /** As {@link #generate()}, with the given source of randomness. */
    public static char[] generate(SecureRandom random) {
        char[] password = new char[20];
        for (int i = 0; i < password.length; i++) {
            password[i] = PASSWORD_ALPHABET[random.nextInt(PASSWORD_ALPHABET.length)];
        }
        return password;
    }

    static void wipe(char[] password) {
        if (password != null) {
            Arrays.fill(password, '\0');
        }
    }
}
