package org.patgate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code patgate permissions list|set}: which groups may use, create and manage tokens (admins). */
@Command(
        name = "permissions",
        mixinStandardHelpOptions = true,
        description = "Show or set permissions by group: use-tokens, create-tokens, create-tokens-for-others, "
                + "manage-all-tokens, admin.",
        subcommands = {PermissionsCommand.ListPermissions.class, PermissionsCommand.Set.class})
final class PermissionsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list or set");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every group's permissions.")
    static final class ListPermissions implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode all = client.connect(spec).get("permissions");
            PrintWriter out = spec.commandLine().getOut();
            if (client.json) {
                out.println(all.toPrettyString());
            } else {
                out.printf("%-24s  %s%n", "everyone", join(all.get("everyone")));
                all.get("groups").properties().forEach(e -> out.printf("%-24s  %s%n", e.getKey(), join(e.getValue())));
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "set",
            mixinStandardHelpOptions = true,
            description = "Replace a group's permissions: patgate permissions set developers use-tokens create-tokens")
    static final class Set implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "GROUP", description = "a group name, or 'everyone'")
        String target;

        @Parameters(index = "1..*", paramLabel = "PERMISSION", arity = "0..*")
        List<String> permissions = new ArrayList<>();

        @Override
        public Integer call() {
            JsonNode result = client.connect(spec)
                    .put("permissions/" + GroupTarget.path(target), Map.of("permissions", permissions));
            spec.commandLine().getOut().println(result.get("group").asText() + ": " + join(result.get("permissions")));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    static String join(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names.isEmpty() ? "(none)" : String.join(", ", names);
    }
}
