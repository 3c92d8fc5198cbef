package org.patgate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.patgate.core.PatgateException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code patgate notifications targets|target set|target delete|deliveries}: where groups' notices go,
 * and the delivery log (admins). A webhook secret is read from a file, never from the command line
 * (where process lists and shell histories would keep it).
 */
@Command(
        name = "notifications",
        mixinStandardHelpOptions = true,
        description = "Show or set where notices go; show the delivery log.",
        subcommands = {
            NotificationsCommand.Targets.class,
            NotificationsCommand.Target.class,
            NotificationsCommand.Deliveries.class
        })
final class NotificationsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                spec.commandLine(), "missing subcommand: targets, target or deliveries");
    }

    @Command(name = "targets", mixinStandardHelpOptions = true, description = "Every group's target.")
    static final class Targets implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode all = client.connect(spec).get("notifications/targets");
            PrintWriter out = spec.commandLine().getOut();
            if (client.json) {
                out.println(all.toPrettyString());
            } else {
                if (!all.get("everyone").isNull()) {
                    out.printf("%-24s  %s%n", "everyone", all.get("everyone"));
                }
                all.get("groups").properties().forEach(e -> out.printf("%-24s  %s%n", e.getKey(), e.getValue()));
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "target",
            mixinStandardHelpOptions = true,
            description = "Set or remove a group's target.",
            subcommands = {Target.Set.class, Target.Delete.class})
    static final class Target implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: set or delete");
        }

        @Command(
                name = "set",
                mixinStandardHelpOptions = true,
                description = "Set where a group's notices also go (replaces the previous target).")
        static final class Set implements Callable<Integer> {
            @Mixin
            ClientOptions client;

            @Spec
            CommandSpec spec;

            @Parameters(paramLabel = "GROUP", description = "a group name, or 'everyone'")
            String target;

            @Option(names = "--email", paramLabel = "ADDRESS")
            String email;

            @Option(names = "--webhook-url", paramLabel = "URL")
            String webhookUrl;

            @Option(
                    names = "--webhook-secret-file",
                    paramLabel = "FILE",
                    description = "file holding the webhook's signing secret (kept from before when left out)")
            Path webhookSecretFile;

            @Override
            public Integer call() {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("email", email);
                body.put("webhookUrl", webhookUrl);
                body.put("webhookSecret", webhookSecretFile == null ? null : secret(webhookSecretFile));
                JsonNode result = client.connect(spec).put("notifications/targets/" + GroupTarget.path(target), body);
                spec.commandLine().getOut().println(result.get("group").asText() + ": " + result.get("target"));
                spec.commandLine().getOut().flush();
                return 0;
            }

            private static String secret(Path file) {
                try {
                    return Files.readString(file, StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new PatgateException("cannot read the webhook secret file " + file + ": " + e.getMessage());
                }
            }
        }

        @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove a group's target.")
        static final class Delete implements Callable<Integer> {
            @Mixin
            ClientOptions client;

            @Spec
            CommandSpec spec;

            @Parameters(paramLabel = "GROUP", description = "a group name, or 'everyone'")
            String target;

            @Override
            public Integer call() {
                client.connect(spec).delete("notifications/targets/" + GroupTarget.path(target));
                spec.commandLine().getOut().println("removed the notification target of " + target);
                spec.commandLine().getOut().flush();
                return 0;
            }
        }
    }

    @Command(name = "deliveries", mixinStandardHelpOptions = true, description = "The delivery log, newest first.")
    static final class Deliveries implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Option(names = "--status", paramLabel = "STATUS", description = "pending, sent or failed")
        String status;

        @Override
        public Integer call() {
            JsonNode page = client.connect(spec)
                    .get("notifications/deliveries" + (status == null ? "" : "?status=" + TokenCommand.encode(status)));
            PrintWriter out = spec.commandLine().getOut();
            if (client.json) {
                out.println(page.toPrettyString());
            } else {
                for (JsonNode d : page.get("items")) {
                    out.printf(
                            "%-8s %-22s %-8s %-8s %2d  %s%s%n",
                            d.get("id").asText(),
                            d.get("event").asText(),
                            d.get("channel").asText(),
                            d.get("status").asText(),
                            d.get("attempts").asInt(),
                            d.get("recipient").asText(),
                            d.path("lastError").isTextual()
                                    ? "  (" + d.get("lastError").asText() + ")"
                                    : "");
                }
            }
            out.flush();
            return 0;
        }
    }
}
