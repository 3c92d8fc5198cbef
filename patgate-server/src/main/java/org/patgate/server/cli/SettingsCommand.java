package org.patgate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.patgate.core.PatgateException;
import org.patgate.server.config.RestKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code patgate settings get|set|reset}: the REST settings that apply at runtime (admins). */
@Command(
        name = "settings",
        mixinStandardHelpOptions = true,
        description = "Show or change the REST settings at runtime: password authentication, REST paths, "
                + "read-only POST endpoints, allowed IP ranges. Stored values win over the configuration file.",
        subcommands = {SettingsCommand.Get.class, SettingsCommand.Set.class, SettingsCommand.Reset.class})
final class SettingsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: get, set or reset");
    }

    @Command(
            name = "get",
            mixinStandardHelpOptions = true,
            description = "The settings in force and where each comes from (configuration or stored).")
    static final class Get implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            print(spec, client, client.connect(spec).get("settings"));
            return 0;
        }
    }

    @Command(
            name = "set",
            mixinStandardHelpOptions = true,
            description = "Replace the stored settings. Options not given follow the configuration file; "
                    + "with --file, the file is the whole request body ({\"rest\": {...}}).")
    static final class Set implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Option(
                names = "--password-auth",
                paramLabel = "block|allow",
                description = "refuse (block) or pass (allow) Basic passwords on the REST paths")
        String passwordAuth;

        @Option(names = "--rest-path", paramLabel = "PATTERN", description = "where tokens are enforced (repeatable)")
        List<String> paths;

        @Option(
                names = "--read-only-post",
                paramLabel = "PATTERN",
                description = "a POST endpoint read-only tokens may call (repeatable)")
        List<String> readOnlyPosts;

        @Option(
                names = "--anonymous",
                paramLabel = "deny|allow",
                description = "whether REST requests without any credentials pass")
        String anonymous;

        @Option(
                names = "--password-exempt-user",
                paramLabel = "USER",
                description = "may still use a password (repeatable)")
        List<String> passwordExemptUsers;

        @Option(
                names = "--password-exempt-group",
                paramLabel = "GROUP",
                description = "members may still use a password (repeatable)")
        List<String> passwordExemptGroups;

        @Option(
                names = "--allowed-ip",
                paramLabel = "CIDR",
                description = "where the REST API may be used from (repeatable)")
        List<String> allowedIps;

        @Option(
                names = "--session-cookie",
                paramLabel = "NAME",
                description = "an upstream session cookie name (repeatable)")
        List<String> sessionCookies;

        @Option(names = "--file", paramLabel = "FILE", description = "a JSON file holding the whole request body")
        Path file;

        @Override
        public Integer call() {
            // Each option is the field of its declared rest.* key; options not given are left out.
            Map<String, Object> rest = new LinkedHashMap<>();
            rest.put(RestKeys.PASSWORD_AUTH.field(), passwordAuth);
            rest.put(RestKeys.PATHS.field(), paths);
            rest.put(RestKeys.READ_ONLY_POSTS.field(), readOnlyPosts);
            rest.put(RestKeys.ANONYMOUS.field(), anonymous);
            rest.put(RestKeys.PASSWORD_EXEMPT_USERS.field(), passwordExemptUsers);
            rest.put(RestKeys.PASSWORD_EXEMPT_GROUPS.field(), passwordExemptGroups);
            rest.put(RestKeys.ALLOWED_IPS.field(), allowedIps);
            rest.put(RestKeys.SESSION_COOKIES.field(), sessionCookies);
            rest.values().removeIf(Objects::isNull);
            Object body;
            if (file != null) {
                if (!rest.isEmpty()) {
                    throw new ParameterException(
                            spec.commandLine(), "give either --file or the setting options, not both");
                }
                body = readFile(file);
            } else {
                body = Map.of("rest", rest);
            }
            print(spec, client, client.connect(spec).put("settings", body));
            return 0;
        }

        private static JsonNode readFile(Path file) {
            try {
                return new ObjectMapper().readTree(file.toFile());
            } catch (IOException e) {
                throw new PatgateException("--file: cannot read JSON from " + file + ": " + e.getMessage());
            }
        }
    }

    @Command(
            name = "reset",
            mixinStandardHelpOptions = true,
            description = "Remove every stored setting, so the configuration file applies again.")
    static final class Reset implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            print(spec, client, client.connect(spec).delete("settings"));
            return 0;
        }
    }

    private static void print(CommandSpec spec, ClientOptions client, JsonNode settings) {
        PrintWriter out = spec.commandLine().getOut();
        if (client.json) {
            out.println(settings.toPrettyString());
        } else {
            settings.get("rest")
                    .properties()
                    .forEach(e -> out.printf(
                            "%-26s  %-13s  %s%n",
                            "rest." + e.getKey(),
                            e.getValue().get("source").asText(),
                            e.getValue().get("value")));
            if (settings.hasNonNull("updatedBy")) {
                out.println("stored by " + settings.get("updatedBy").asText() + " at "
                        + settings.get("updatedAt").asText());
            }
        }
        out.flush();
    }
}
