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
import org.patgate.server.directory.UserService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code patgate user create|list}: manage local users through a running server's API (admins). */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage local users (admins).",
        subcommands = {UserCommand.Create.class, UserCommand.ListUsers.class})
final class UserCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: create or list");
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a local user. The new password comes from env PATGATE_NEW_PASSWORD, a prompt, "
                    + "or --generate-password.")
    static final class Create implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Spec CommandSpec spec;

        @Option(names = "--username", required = true) String username;
        @Option(names = "--display-name") String displayName;
        @Option(names = "--email") String email;
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
                return UserService.generatePassword(new SecureRandom());
            }
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
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users.")
    static final class ListUsers implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Spec CommandSpec spec;
        @Option(names = {"-q", "--query"}) String query;

        @Override
        public Integer call() {
            String path = "users?size=200" + (query == null ? "" : "&q=" + TokenCommand.encode(query));
            JsonNode result = client.connect(spec).get(path);
            PrintWriter out = spec.commandLine().getOut();
            if (client.json) {
                out.println(result.toPrettyString());
            } else {
                for (JsonNode u : result.get("items")) {
                    out.printf("%-20s  %-8s  %s%n", u.get("username").asText(),
                            u.get("enabled").asBoolean() ? "enabled" : "disabled", u.get("groups"));
                }
            }
            out.flush();
            return 0;
        }
    }
}
