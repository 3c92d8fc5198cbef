package org.patgate.server.demo;

import java.util.List;
import org.patgate.core.token.Scope;
import org.patgate.server.app.PatgateServer;
import org.patgate.server.directory.PasswordHasher;
import org.patgate.server.principal.Principal;
import org.patgate.server.directory.UserService;
import org.patgate.server.store.Database;
import org.patgate.server.store.NewUser;
import org.patgate.server.store.UserRecord;
import org.patgate.server.token.IssuedToken;
import org.patgate.server.token.TokenRequest;

/**
 * Prepares a demo node: the users {@code admin} and {@code alice} with fresh generated passwords
 * (new on every run, so a demo data directory never holds a password anyone saw before), and a
 * read-only and a read-write token for alice.
 */
public final class DemoSetup {

    /** What the demo tells its user. */
    public record DemoCredentials(String adminPassword, String alicePassword, IssuedToken readOnly,
            IssuedToken readWrite) {
        @Override
        public String toString() {
            return "DemoCredentials[******]";
        }
    }

    private DemoSetup() {}

    public static DemoCredentials prepare(PatgateServer server, String adminUsername) {
        Database database = server.database();
        UserService users = server.users();
        PasswordHasher hasher = new PasswordHasher();
        String adminPassword = new String(users.generatePassword());
        String alicePassword = new String(users.generatePassword());
        UserRecord admin = database.users().findByUsername(adminUsername).orElseThrow();
        database.users().setPasswordHash(admin.id(), hasher.hash(adminPassword.toCharArray()));
        UserRecord alice = database.users().findByUsername("alice").orElseGet(() -> database.users().create(
                new NewUser("alice", "Alice Example", "alice@example.com", null, "local", true)));
        database.users().setPasswordHash(alice.id(), hasher.hash(alicePassword.toCharArray()));
        database.users().setEnabled(alice.id(), true);
        Principal alicePrincipal = users.directory().toPrincipal(database.users().findById(alice.id()).orElseThrow());
        IssuedToken readOnly = server.tokens().create(alicePrincipal, "127.0.0.1",
                new TokenRequest("demo read-only", null, null, Scope.READ_ONLY, List.of()));
        IssuedToken readWrite = server.tokens().create(alicePrincipal, "127.0.0.1",
                new TokenRequest("demo read-write", null, null, Scope.READ_WRITE, List.of()));
        return new DemoCredentials(adminPassword, alicePassword, readOnly, readWrite);
    }
}
