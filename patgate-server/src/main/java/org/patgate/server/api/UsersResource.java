package org.patgate.server.api;

import java.time.Instant;
import java.util.List;
import org.patgate.server.api.TokenViews.PageView;
import org.patgate.server.auth.ApiAuthenticator;
import org.patgate.server.directory.Groups;
import org.patgate.server.directory.NewUserRequest;
import org.patgate.server.directory.Passwords;
import org.patgate.server.directory.UserAccounts;
import org.patgate.server.directory.UserChange;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.http.Exchange;
import org.patgate.server.principal.Permission;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;
import org.patgate.server.store.UserRecord;

/** {@code /users} and {@code /groups} (admins), {@code /me} and {@code /me/password}. Thread-safe. */
public final class UsersResource {

    private final UserAccounts service;
    private final Groups groups;
    private final Passwords passwords;
    private final ApiAuthenticator authenticator;

    public UsersResource(UserAccounts service, Groups groups, Passwords passwords, ApiAuthenticator authenticator) {
        this.groups = groups;
        this.passwords = passwords;
        this.service = service;
        this.authenticator = authenticator;
    }

    record UserView(
            long id,
            String username,
            String displayName,
            String email,
            List<String> groups,
            boolean enabled,
            String source,
            Instant createdAt) {}

    record CreateUserBody(String username, char[] password, String displayName, String email, List<String> groups) {
        @Override
        public String toString() {
            return "CreateUserBody[username=" + username + "]";
        }
    }

    /** The body of {@code PATCH /users/{username}}: absent fields stay as they are. */
    record UpdateUserBody(String displayName, String email, List<String> groups, Boolean enabled, char[] password) {
        @Override
        public String toString() {
            return "UpdateUserBody[enabled=" + enabled + ", groups=" + groups + "]";
        }
    }

    record PasswordBody(char[] currentPassword, char[] newPassword) {
        @Override
        public String toString() {
            return "PasswordBody[******]";
        }
    }

    record MeView(UserView user, boolean admin, List<String> permissions) {}

    record GroupView(String name, String description, long members) {}

    record GroupsView(List<GroupView> items) {}

    /** Who am I: the caller's own user, groups and admin flag. */
    void me(Exchange exchange, Principal principal) {
        UserRecord user = service.get(principal, principal.username());
        exchange.sendJson(
                200,
                new MeView(
                        view(user),
                        principal.admin(),
                        principal.permissions().stream()
                                .map(Permission::wireName)
                                .sorted()
                                .toList()));
    }

    /**
     * Wrong current passwords count as failed logins (counted when the check starts), so a stolen
     * session cannot guess its way to a new password. Every other session of the user ends; the
     * UI session that made the call, if any, stays.
     */
    void changeOwnPassword(Exchange exchange, Principal principal) {
        PasswordBody body = exchange.readJson(PasswordBody.class);
        ApiAuthenticator.PasswordAttempt attempt =
                authenticator.startAttempt(exchange.sourceIp(), principal.username());
        boolean wrong = false;
        try {
            passwords.changeOwnPassword(principal, exchange.sourceIp(), body.currentPassword(), body.newPassword());
        } catch (InvalidRequestException e) {
            wrong = "wrong password".equals(e.fieldErrors().get("currentPassword"));
            throw e;
        } finally {
            if (wrong) {
                attempt.failed();
            } else {
                attempt.notFailed();
            }
        }
        authenticator.keepCallerSession(exchange.request(), principal);
        exchange.sendNoContent();
    }

    void list(Exchange exchange, Principal principal) {
        PageRequest page =
                new PageRequest(exchange.queryInt("page", 1, 1, 1_000_000) - 1, exchange.queryInt("size", 20, 1, 200));
        Page<UserRecord> users = service.list(principal, exchange.query("q"), page);
        exchange.sendJson(
                200,
                new PageView<>(
                        users.items().stream().map(this::view).toList(),
                        users.total(),
                        users.page() + 1,
                        users.size()));
    }

    void create(Exchange exchange, Principal principal) {
        CreateUserBody body = exchange.readJson(CreateUserBody.class);
        UserRecord user = service.create(
                principal,
                exchange.sourceIp(),
                new NewUserRequest(body.username(), body.password(), body.displayName(), body.email(), body.groups()));
        exchange.response().getHeaders().put("Location", ApiHandler.PREFIX + "users/" + user.username());
        exchange.sendJson(201, view(user));
    }

    void get(Exchange exchange, Principal principal) {
        exchange.sendJson(200, view(service.get(principal, exchange.decodedPathParameter("username"))));
    }

    void update(Exchange exchange, Principal principal) {
        UpdateUserBody body = exchange.readJson(UpdateUserBody.class);
        UserRecord user = service.update(
                principal,
                exchange.sourceIp(),
                exchange.decodedPathParameter("username"),
                new UserChange(body.displayName(), body.email(), body.groups(), body.enabled(), body.password()));
        exchange.sendJson(200, view(user));
    }

    void delete(Exchange exchange, Principal principal) {
        service.delete(principal, exchange.sourceIp(), exchange.decodedPathParameter("username"));
        exchange.sendNoContent();
    }

    void groups(Exchange exchange, Principal principal) {
        exchange.sendJson(
                200,
                new GroupsView(groups.all(principal).stream()
                        .map(g -> new GroupView(g.group().name(), g.group().description(), g.members()))
                        .toList()));
    }

    private UserView view(UserRecord user) {
        return new UserView(
                user.id(),
                user.username(),
                user.displayName(),
                user.email(),
                groups.groupsOf(user),
                user.enabled(),
                user.source(),
                user.createdAt());
    }
}
