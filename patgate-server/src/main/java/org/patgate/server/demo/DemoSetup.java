package org.patgate.server.demo;

import java.security.SecureRandom;
import java.util.List;
import org.patgate.core.token.Scope;
import org.patgate.server.app.PatgateServer;
import org.patgate.server.directory.Directories;
import org.patgate.server.directory.NewUserRequest;
import org.patgate.server.directory.Passwords;
import org.patgate.server.directory.UserAccounts;
import org.patgate.server.directory.UserChange;
import org.patgate.server.error.ConflictException;
import org.patgate.server.principal.Principal;
import org.patgate.server.token.IssuedToken;
import org.patgate.server.token.TokenRequest;

/**
 * Prepares a demo node: the users {@code admin} and {@code alice} with fresh generated passwords
 * (new on every run, so a demo data directory never holds a password anyone saw before), and a
 * read-only and a read-write token for alice.
 */
public final class DemoSetup {

    /** What the demo tells its user. */
    public record DemoCredentials(
            String adminPassword, String alicePassword, IssuedToken readOnly, IssuedToken readWrite) {
        @Override
        public String toString() {
            return "DemoCredentials[******]";
        }
    }

    private DemoSetup() {}

    /**
     * Sets the demo passwords and tokens through the same services an admin uses (and so in the
     * audit trail): the bootstrap admin sets its own password, creates or re-enables alice.
     */
    public static DemoCredentials prepare(PatgateServer server, String adminUsername) {
        UserAccounts users = server.userAccounts();
        Directories directories = server.directories();
        SecureRandom random = new SecureRandom();
        String adminPassword = new String(Passwords.generate(random));
        String alicePassword = new String(Passwords.generate(random));
        String here = "127.0.0.1";
        Principal admin = directories.lookup(adminUsername).orElseThrow();
        users.update(admin, here, adminUsername, new UserChange(null, null, null, null, adminPassword.toCharArray()));
        try {
            users.create(
                    admin,
                    here,
                    new NewUserRequest(
                            "alice", alicePassword.toCharArray(), "Alice Example", "alice@example.com", List.of()));
        } catch (ConflictException alreadyThere) {
            users.update(admin, here, "alice", new UserChange(null, null, null, true, alicePassword.toCharArray()));
        }
        Principal alicePrincipal = directories.lookup("alice").orElseThrow();
        IssuedToken readOnly = server.tokenIssuer()
                .create(
                        alicePrincipal,
                        here,
                        new TokenRequest("demo read-only", null, null, Scope.READ_ONLY, List.of()));
        IssuedToken readWrite = server.tokenIssuer()
                .create(
                        alicePrincipal,
                        here,
                        new TokenRequest("demo read-write", null, null, Scope.READ_WRITE, List.of()));
        return new DemoCredentials(adminPassword, alicePassword, readOnly, readWrite);
    }
}
