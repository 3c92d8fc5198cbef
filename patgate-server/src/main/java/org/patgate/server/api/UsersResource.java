package org.patgate.server.api;

import java.time.Instant;
import java.util.List;
import org.patgate.server.api.TokenViews.PageView;
import org.patgate.server.api.internal.Exchange;
import org.patgate.server.directory.Principal;
import org.patgate.server.directory.UserService;
import org.patgate.server.directory.UserService.NewUserRequest;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;
import org.patgate.server.store.UserRecord;

/** {@code /users} (admins) and {@code /me}. Thread-safe. */
public final class UsersResource {

    private final UserService service;

    public UsersResource(UserService service) {
        this.service = service;
    }

    record UserView(long id, String username, String displayName, String email, List<String> groups, boolean enabled,
            String source, Instant createdAt) {}

    record CreateUserBody(String username, char[] password, String displayName, String email, List<String> groups) {
        @Override
        public String toString() {
            return "CreateUserBody[username=" + username + "]";
        }
    }

    record UpdateUserBody(Boolean enabled) {}

    /** Who am I: the caller's own user, groups and admin flag. */
    boolean me(Exchange exchange, Principal principal) {
        if (exchange.segments().size() != 1) {
            return false;
        }
        if (!exchange.method().equals("GET")) {
            return ApiHandler.methodNotAllowed(exchange, "GET");
        }
        UserRecord user = service.get(principal, principal.username());
        exchange.sendJson(200, new MeView(view(user), principal.admin(),
                principal.permissions().stream().map(org.patgate.server.permission.Permission::wireName).sorted().toList()));
        return true;
    }

    record MeView(UserView user, boolean admin, List<String> permissions) {}

    boolean handle(Exchange exchange, Principal principal) {
        List<String> path = exchange.segments();
        String method = exchange.method();
        if (path.size() == 1) {
            return switch (method) {
                case "GET" -> {
                    PageRequest page = new PageRequest(exchange.queryInt("page", 1, 1, 1_000_000) - 1,
                            exchange.queryInt("size", 20, 1, 200));
                    Page<UserRecord> users = service.list(principal, exchange.query("q"), page);
                    exchange.sendJson(200, new PageView<>(users.items().stream().map(this::view).toList(),
                            users.total(), users.page() + 1, users.size()));
                    yield true;
                }
                case "POST" -> {
                    CreateUserBody body = exchange.readJson(CreateUserBody.class);
                    UserRecord user = service.create(principal, exchange.sourceIp(), new NewUserRequest(
                            body.username(), body.password(), body.displayName(), body.email(), body.groups()));
                    exchange.response().getHeaders().put("Location", ApiHandler.PREFIX + "users/" + user.username());
                    exchange.sendJson(201, view(user));
                    yield true;
                }
                default -> ApiHandler.methodNotAllowed(exchange, "GET, POST");
            };
        }
        if (path.size() == 2) {
            String username = path.get(1);
            return switch (method) {
                case "GET" -> {
                    exchange.sendJson(200, view(service.get(principal, username)));
                    yield true;
                }
                case "PATCH" -> {
                    UpdateUserBody body = exchange.readJson(UpdateUserBody.class);
                    if (body.enabled() == null) {
                        throw new InvalidRequestException("nothing to change: give \"enabled\": true or false");
                    }
                    exchange.sendJson(200, view(service.setEnabled(principal, exchange.sourceIp(), username,
                            body.enabled())));
                    yield true;
                }
                default -> ApiHandler.methodNotAllowed(exchange, "GET, PATCH");
            };
        }
        return false;
    }

    private UserView view(UserRecord user) {
        return new UserView(user.id(), user.username(), user.displayName(), user.email(), service.groupsOf(user),
                user.enabled(), user.source(), user.createdAt());
    }
}
