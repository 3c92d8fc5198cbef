package org.patgate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Console;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.patgate.core.PatgateException;
import org.patgate.server.directory.Passwords;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code patgate user create|list|update|delete|passwd}: manage local users through a running
 * server's API (admins; everyone may change their own password).
 */
@Command(
        name = "user",
        mixinStandardHelpOptions = true,
        description = "Manage local users (admins).",
        subcommands = {
            UserCommand.Create.class,
            UserCommand.ListUsers.class,
            UserCommand.Update.class,
            UserCommand.Delete.class,
            UserCommand.Passwd.class,
            RateLimitCommand.ForUser.class
        })
final class UserCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                spec.commandLine(), "missing subcommand: create, list, update, delete, passwd or rate-limit");
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create a local user. The new password comes from env PATGATE_NEW_PASSWORD, a prompt, "
                    + "or --generate-password.")
    static final class Create implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Option(names = "--username", required = true)
        String username;

        @Option(names = "--display-name")
        String displayName;

        @Option(names = "--email")
        String email;

        @Option(names = "--group", paramLabel = "GROUP", description = "add to this group (repeatable)")
        List<String> groups = new ArrayList<>();

        @Option(names = "--generate-password", description = "generate a strong password and print it once")
        boolean generate;

        @Override
        public Integer call() {
            char[] password = newPassword();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("username", username);
            body.put("password", new String(password));
            if (displayName != null) {
                body.put("displayName", displayName);
            }
            if (email != null) {
                body.put("email", email);
            }
            body.put("groups", groups);
            JsonNode user = client.connect(spec).post("users", body);
            PrintWriter out = spec.commandLine().getOut();
            if (client.json) {
                out.println(user.toPrettyString());
            } else {
                out.println("created user " + user.get("username").asText() + " groups=" + user.get("groups"));
                if (generate) {
                    out.println("password: " + new String(password) + "  (shown once)");
                }
            }
            out.flush();
            Arrays.fill(password, '\0');
            return 0;
        }

        private char[] newPassword() {
            if (generate) {
                return Passwords.generate(new SecureRandom());
            }
            return UserCommand.newPassword(spec, username);
        }
    }

    /** The new password from env PATGATE_NEW_PASSWORD, else asked twice on the terminal. */
    static char[] newPassword(CommandSpec spec, String username) {
        String fromEnv = Main.env(spec).get("PATGATE_NEW_PASSWORD");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv.toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw new PatgateException("no password for the new user: set PATGATE_NEW_PASSWORD, "
                    + "use --generate-password, or run in a terminal");
        }
        char[] first = console.readPassword("New password for %s: ", username);
        char[] second = console.readPassword("Repeat it: ");
        if (first == null || !Arrays.equals(first, second)) {
            throw new PatgateException("the passwords do not match");
        }
        return first;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users.")
    static final class ListUsers implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Option(names = {"-q", "--query"})
        String query;

        @Override
        public Integer call() {
            String path = "users?size=200" + (query == null ? "" : "&q=" + TokenCommand.encode(query));
            JsonNode result = client.connect(spec).get(path);
            PrintWriter out = spec.commandLine().getOut();
            if (client.json) {
                out.println(result.toPrettyString());
            } else {
                for (JsonNode u : result.get("items")) {
                    out.printf(
                            "%-20s  %-8s  %s%n",
                            u.get("username").asText(),
                            u.get("enabled").asBoolean() ? "enabled" : "disabled",
                            u.get("groups"));
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "update",
            mixinStandardHelpOptions = true,
            description = "Change a user's display name, email, groups (replaced as a whole) or enabled state.")
    static final class Update implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Parameters(paramLabel = "USERNAME")
        String username;

        @Option(names = "--display-name")
        String displayName;

        @Option(names = "--email", description = "an email address; '' clears it")
        String email;

        @Option(
                names = "--group",
                paramLabel = "GROUP",
                description = "the user's groups afterwards (repeatable; replaces all memberships)")
        List<String> groups;

        @Option(names = "--no-groups", description = "remove the user from every group")
        boolean noGroups;

        @Option(names = "--enable", description = "allow the user to log in and use tokens again")
        boolean enable;

        @Option(names = "--disable", description = "stop the user's logins and tokens")
        boolean disable;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            if (displayName != null) {
                body.put("displayName", displayName);
            }
            if (email != null) {
                body.put("email", email);
            }
            if (groups != null || noGroups) {
                body.put("groups", groups == null ? List.of() : groups);
            }
            if (enable || disable) {
                if (enable && disable) {
                    throw new picocli.CommandLine.ParameterException(
                            spec.commandLine(), "--enable or --disable, not both");
                }
                body.put("enabled", enable);
            }
            if (body.isEmpty()) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(),
                        "nothing to change: give --display-name, --email, --group, --no-groups, --enable or --disable");
            }
            JsonNode user = client.connect(spec).patch("users/" + TokenCommand.encode(username), body);
            print(spec, client.json, user);
            return 0;
        }
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Delete a user and the tokens they own (needs --yes). Users who created, revoked or approved "
                    + "other users' tokens cannot be deleted; disable them instead.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Parameters(paramLabel = "USERNAME")
        String username;

        @Option(names = "--yes", description = "really delete")
        boolean yes;

        @Override
        public Integer call() {
            if (!yes) {
                spec.commandLine()
                        .getErr()
                        .println("deleting " + username + " also deletes their tokens; "
                                + "add --yes to do it. Nothing deleted.");
                spec.commandLine().getErr().flush();
                return 1;
            }
            client.connect(spec).delete("users/" + TokenCommand.encode(username));
            spec.commandLine().getOut().println("deleted user " + username);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(
            name = "passwd",
            mixinStandardHelpOptions = true,
            description = {
                "Change your own password (the current one is the password you log in with), or, as an "
                        + "admin, set USERNAME's password.",
                "The new password comes from env PATGATE_NEW_PASSWORD or a prompt (asked twice)."
            })
    static final class Passwd implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Parameters(
                paramLabel = "USERNAME",
                arity = "0..1",
                description = "whose password to set (admins); default: your own")
        String username;

        @Override
        public Integer call() {
            char[][] current = new char[1][];
            var api = client.connect(spec, password -> current[0] = password);
            char[] password = newPassword(spec, username == null ? "yourself" : username);
            try {
                if (username == null) {
                    api.post(
                            "me/password",
                            Map.of("currentPassword", new String(current[0]), "newPassword", new String(password)));
                    spec.commandLine().getOut().println("changed your password");
                } else {
                    api.patch("users/" + TokenCommand.encode(username), Map.of("password", new String(password)));
                    spec.commandLine().getOut().println("set the password of " + username);
                }
            } finally {
                Arrays.fill(password, '\0');
                Arrays.fill(current[0], '\0');
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    private static void print(CommandSpec spec, boolean json, JsonNode user) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(user.toPrettyString());
        } else {
            out.printf(
                    "%s  %s  %s  %s  groups=%s%n",
                    user.get("username").asText(),
                    user.get("displayName").asText(),
                    user.path("email").isNull() ? "-" : user.path("email").asText(),
                    user.get("enabled").asBoolean() ? "enabled" : "disabled",
                    user.get("groups"));
        }
        out.flush();
    }
}
