package org.patgate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.patgate.core.PatgateException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code patgate audit list|export}: read the audit trail (admins). */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Read the audit trail (admins).",
        subcommands = {AuditCommand.ListEvents.class, AuditCommand.Export.class})
final class AuditCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list or export");
    }

    /** The filters both subcommands take. */
    static final class Filters {
        @Option(names = "--actor", description = "only events by this user")
        String actor;

        @Option(names = "--action", description = "only this action, e.g. token.revoke")
        String action;

        @Option(names = "--target", description = "only events about this token id, username or group")
        String target;

        @Option(names = "--from", paramLabel = "TIME", description = "from this RFC 3339 time (inclusive)")
        String from;

        @Option(names = "--to", paramLabel = "TIME", description = "until this RFC 3339 time (exclusive)")
        String to;

        String query() {
            StringBuilder query = new StringBuilder();
            append(query, "actor", actor);
            append(query, "action", action);
            append(query, "target", target);
            append(query, "from", from);
            append(query, "to", to);
            return query.toString();
        }

        private static void append(StringBuilder query, String name, String value) {
            if (value != null && !value.isEmpty()) {
                query.append('&').append(name).append('=').append(TokenCommand.encode(value));
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Audit events, newest first.")
    static final class ListEvents implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Mixin
        Filters filters;

        @Spec
        CommandSpec spec;

        @Option(names = "--page", defaultValue = "1")
        int page;

        @Option(names = "--size", defaultValue = "50")
        int size;

        @Override
        public Integer call() {
            JsonNode result = client.connect(spec).get("audit?page=" + page + "&size=" + size + filters.query());
            PrintWriter out = spec.commandLine().getOut();
            if (client.json) {
                out.println(result.toPrettyString());
            } else {
                for (JsonNode e : result.get("items")) {
                    out.printf(
                            "%-27s  %-14s  %-18s  %-20s  %-7s  %s%n",
                            e.get("occurredAt").asText(),
                            text(e, "actor"),
                            e.get("action").asText(),
                            text(e, "target"),
                            text(e, "outcome"),
                            text(e, "detail"));
                }
                out.println(result.get("total").asLong() + " event(s)");
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = "Every matching event as CSV (RFC 4180; cells safe to open in a spreadsheet).")
    static final class Export implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Mixin
        Filters filters;

        @Spec
        CommandSpec spec;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "FILE",
                description = "write to FILE instead of stdout")
        Path output;

        @Override
        public Integer call() {
            String query = filters.query();
            byte[] csv = client.connect(spec).getBytes("audit.csv" + (query.isEmpty() ? "" : "?" + query.substring(1)));
            if (output == null) {
                spec.commandLine().getOut().print(new String(csv, StandardCharsets.UTF_8));
                spec.commandLine().getOut().flush();
            } else {
                try {
                    Files.write(output, csv);
                } catch (IOException e) {
                    throw new PatgateException("cannot write " + output + ": " + e.getMessage());
                }
                spec.commandLine().getErr().println("wrote " + output);
                spec.commandLine().getErr().flush();
            }
            return 0;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "-" : value.asText();
    }
}
