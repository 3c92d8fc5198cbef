package org.patgate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code patgate approvals list|approve|deny}: the queue of tokens waiting for approval. */
@Command(
        name = "approvals",
        mixinStandardHelpOptions = true,
        description = "Approve or deny pending tokens.",
        subcommands = {ApprovalsCommand.ListPending.class, ApprovalsCommand.Approve.class, ApprovalsCommand.Deny.class})
final class ApprovalsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                spec.commandLine(), "missing subcommand: list, approve or deny");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Tokens waiting for a decision.")
    static final class ListPending implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode pending = client.connect(spec).get("approvals?size=200");
            PrintWriter out = spec.commandLine().getOut();
            if (client.json) {
                out.println(pending.toPrettyString());
            } else {
                for (JsonNode t : pending.get("items")) {
                    out.printf(
                            "%-12s  %-16s  %-10s  %s%n",
                            t.get("id").asText(),
                            t.get("owner").asText(),
                            t.get("scope").asText(),
                            t.get("name").asText());
                }
                out.println(pending.get("total").asLong() + " pending");
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a pending token.")
    static final class Approve implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--reason")
        String reason;

        @Override
        public Integer call() {
            return decide(client, spec, id, "approve", reason);
        }
    }

    @Command(name = "deny", mixinStandardHelpOptions = true, description = "Deny a pending token; it never works.")
    static final class Deny implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--reason", required = true)
        String reason;

        @Override
        public Integer call() {
            return decide(client, spec, id, "deny", reason);
        }
    }

    private static int decide(ClientOptions client, CommandSpec spec, String id, String verb, String reason) {
        Map<String, Object> body = new HashMap<>();
        if (reason != null) {
            body.put("reason", reason);
        }
        JsonNode token = client.connect(spec).post("tokens/" + TokenCommand.encode(id) + "/" + verb, body);
        spec.commandLine().getOut().println(id + ": " + token.get("status").asText());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
