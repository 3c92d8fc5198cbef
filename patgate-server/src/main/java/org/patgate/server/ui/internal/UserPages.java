package org.patgate.server.ui.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.patgate.server.directory.Groups;
import org.patgate.server.directory.NewUserRequest;
import org.patgate.server.directory.Passwords;
import org.patgate.server.directory.UserAccounts;
import org.patgate.server.directory.UserChange;
import org.patgate.server.error.ConflictException;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.store.NewUser;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;
import org.patgate.server.store.UserRecord;
import org.patgate.server.token.TokenFilter;
import org.patgate.server.token.TokenQueries;

/**
 * Users and groups under {@code /.patgate/admin/users}: the list with every group's member count,
 * and for local users create (given or generated password, shown once), edit profile and groups,
 * enable or disable, reset the password and delete (confirmed, with the number of tokens that go
 * with the user). Directory (LDAP) users are shown read-only apart from enabling: the directory owns
 * them. Everything goes through {@link UserAccounts}; the caller is an admin (checked by
 * {@link AdminPages}). Thread-safe.
 */
public final class UserPages {

    static final String PATH = AdminPages.PATH + "/users";

    private final UserAccounts users;
    private final Groups groups;
    private final Passwords passwords;
    private final TokenQueries tokens;

    private final UpstreamLinkPages links;

    public UserPages(
            UserAccounts users, Groups groups, Passwords passwords, TokenQueries tokens, UpstreamLinkPages links) {
        this.links = links;
        this.users = users;
        this.groups = groups;
        this.passwords = passwords;
        this.tokens = tokens;
    }

    /** A user as the edit page shows it; {@code local} false for directory users. Immutable. */
    public record UserDetail(
            String username,
            String displayName,
            String email,
            String groups,
            boolean enabled,
            String source,
            boolean local,
            String created,
            long tokens) {}

    /** What the create form was filled with (echoed back on errors). Immutable. */
    public record NewUserForm(String username, String displayName, String email, String groups) {
        public static final NewUserForm EMPTY = new NewUserForm("", "", "", "");
    }

    /** A group with its number of members. Immutable. */
    public record GroupRow(String name, String description, long members) {}

    public void handle(UiExchange exchange) {
        List<String> path = exchange.segments();
        boolean post = exchange.method().equals("POST");
        if (path.size() == 2) {
            if (post) {
                create(exchange);
            } else {
                list(exchange);
            }
            return;
        }
        String name = path.get(2);
        if (path.size() == 3 && name.equals("new") && !post) {
            newForm(exchange, 200, NewUserForm.EMPTY, Map.of(), null);
        } else if (path.size() == 3) {
            if (post) {
                update(exchange, name);
            } else {
                edit(exchange, name, 200, Map.of(), null);
            }
        } else if (path.size() == 4
                && post
                && (path.get(3).equals("enable") || path.get(3).equals("disable"))) {
            users.setEnabled(
                    exchange.principal(), exchange.sourceIp(), name, path.get(3).equals("enable"));
            exchange.redirect(PATH + "/" + enc(name));
        } else if (path.size() == 4 && post && path.get(3).equals("upstream-link-remove")) {
            links.unlinkAsAdmin(
                    exchange.principal(), users.get(exchange.principal(), name).id());
            exchange.redirect(PATH + "/" + enc(name));
        } else if (path.size() == 4 && post && path.get(3).equals("password")) {
            resetPassword(exchange, name);
        } else if (path.size() == 4 && path.get(3).equals("delete")) {
            delete(exchange, name, post);
        } else {
            throw new NotFoundException("no such page");
        }
    }

    private void list(UiExchange exchange) {
        String text = exchange.query("q");
        int page = TokenPages.pageNumber(exchange.query("page"));
        Page<UserRecord> result =
                users.list(exchange.principal(), text, new PageRequest(page - 1, TokenPages.PAGE_SIZE));
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell("Users & groups", "admin-users"));
        params.put(
                "rows",
                result.items().stream()
                        .map(u -> new Views.UserRow(
                                u.username(),
                                u.displayName() == null ? "" : u.displayName(),
                                u.email() == null ? "" : u.email(),
                                u.enabled(),
                                Views.time(u.createdAt()),
                                String.join(", ", groups.groupsOf(u))))
                        .toList());
        params.put(
                "groups",
                groups.all(exchange.principal()).stream()
                        .map(g -> new GroupRow(
                                g.group().name(),
                                g.group().description() == null ? "" : g.group().description(),
                                g.members()))
                        .toList());
        params.put("q", text == null ? "" : text);
        params.put("deleted", exchange.query("deleted"));
        params.put("paging", TokenPages.paging(result, PATH + "?" + (text == null ? "" : "q=" + enc(text) + "&")));
        exchange.html(200, "admin/users.jte", params);
    }

    private void newForm(UiExchange exchange, int status, NewUserForm form, Map<String, String> errors, String error) {
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell("New user", "admin-users"));
        params.put("form", form);
        params.put("errors", errors);
        params.put("error", error);
        params.put("minPassword", Passwords.MIN_PASSWORD_LENGTH);
        exchange.html(status, "admin/user_new.jte", params);
    }

    private void create(UiExchange exchange) {
        NewUserForm form = new NewUserForm(
                value(exchange.field("username")),
                value(exchange.field("displayName")),
                value(exchange.field("email")),
                value(exchange.field("groups")));
        String given = exchange.field("password");
        boolean generated = given == null || given.isEmpty();
        char[] password = generated ? passwords.generate() : given.toCharArray();
        // create() wipes the array it hashes; keep a copy to show a generated password once.
        char[] shown = generated ? password.clone() : null;
        try {
            UserRecord user = users.create(
                    exchange.principal(),
                    exchange.sourceIp(),
                    new NewUserRequest(
                            form.username(), password, form.displayName(), form.email(), groups(form.groups())));
            if (generated) {
                passwordPage(exchange, 201, user.username(), shown, true);
            } else {
                exchange.redirect(PATH + "/" + enc(user.username()));
            }
        } catch (InvalidRequestException e) {
            newForm(exchange, 400, form, e.fieldErrors(), e.fieldErrors().isEmpty() ? e.getMessage() : null);
        } catch (ConflictException e) {
            newForm(exchange, 409, form, Map.of("username", e.getMessage()), null);
        } finally {
            Arrays.fill(password, '\0');
            if (shown != null) {
                Arrays.fill(shown, '\0');
            }
        }
    }

    private void edit(UiExchange exchange, String username, int status, Map<String, String> errors, String error) {
        UserRecord user = users.get(exchange.principal(), username);
        long owned = tokens.list(
                        exchange.principal(),
                        new TokenFilter(user.username(), null, null, null, null, null, null),
                        new PageRequest(0, 1))
                .total();
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell("User " + user.username(), "admin-users"));
        params.put(
                "user",
                new UserDetail(
                        user.username(),
                        user.displayName() == null ? "" : user.displayName(),
                        user.email() == null ? "" : user.email(),
                        String.join(", ", groups.groupsOf(user)),
                        user.enabled(),
                        user.source(),
                        NewUser.SOURCE_LOCAL.equals(user.source()),
                        Views.time(user.createdAt()),
                        owned));
        params.put("errors", errors);
        params.put("error", error);
        params.put("minPassword", Passwords.MIN_PASSWORD_LENGTH);
        params.put("linkProduct", links.product());
        params.put("link", links.enabled() ? UpstreamLinkPages.LinkStatus.of(links.linkOf(user.id())) : null);
        exchange.html(status, "admin/user_edit.jte", params);
    }

    private void update(UiExchange exchange, String username) {
        UserChange change = new UserChange(
                value(exchange.field("displayName")),
                value(exchange.field("email")),
                groups(value(exchange.field("groups"))),
                null,
                null);
        try {
            UserRecord user = users.update(exchange.principal(), exchange.sourceIp(), username, change);
            exchange.redirect(PATH + "/" + enc(user.username()) + "?saved=1");
        } catch (InvalidRequestException e) {
            edit(exchange, username, 400, e.fieldErrors(), e.fieldErrors().isEmpty() ? e.getMessage() : null);
        } catch (ConflictException e) {
            edit(exchange, username, 409, Map.of(), e.getMessage());
        }
    }

    private void resetPassword(UiExchange exchange, String username) {
        String given = exchange.field("password");
        boolean generated = given == null || given.isEmpty();
        char[] password = generated ? passwords.generate() : given.toCharArray();
        char[] shown = generated ? password.clone() : null;
        try {
            UserRecord user = users.update(
                    exchange.principal(),
                    exchange.sourceIp(),
                    username,
                    new UserChange(null, null, null, null, password));
            if (generated) {
                passwordPage(exchange, 200, user.username(), shown, false);
            } else {
                exchange.redirect(PATH + "/" + enc(user.username()) + "?saved=1");
            }
        } catch (InvalidRequestException e) {
            edit(
                    exchange,
                    username,
                    400,
                    Map.of("password", e.fieldErrors().getOrDefault("password", e.getMessage())),
                    null);
        } finally {
            Arrays.fill(password, '\0');
            if (shown != null) {
                Arrays.fill(shown, '\0');
            }
        }
    }

    /** The one page that shows a generated password; never cached (every UI answer is no-store). */
    private void passwordPage(UiExchange exchange, int status, String username, char[] password, boolean created) {
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell(created ? "User created" : "Password reset", "admin-users"));
        params.put("username", username);
        params.put("password", new String(password));
        params.put("created", created);
        exchange.html(status, "admin/user_password.jte", params);
    }

    private void delete(UiExchange exchange, String username, boolean post) {
        UserRecord user = users.get(exchange.principal(), username);
        if (!post || !"yes".equals(exchange.field("confirm"))) {
            long owned = tokens.list(
                            exchange.principal(),
                            new TokenFilter(user.username(), null, null, null, null, null, null),
                            new PageRequest(0, 1))
                    .total();
            Map<String, Object> params = new HashMap<>();
            params.put("shell", exchange.shell("Delete " + user.username(), "admin-users"));
            params.put("username", user.username());
            params.put("tokens", owned);
            exchange.html(200, "admin/user_delete.jte", params);
            return;
        }
        users.delete(exchange.principal(), exchange.sourceIp(), user.username());
        exchange.redirect(PATH + "?deleted=" + enc(user.username()));
    }

    /** Group names from a comma-separated field; empty entries are dropped. */
    private static List<String> groups(String field) {
        return Arrays.stream(field.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .distinct()
                .toList();
    }

    private static String value(String field) {
        return field == null ? "" : field.strip();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
