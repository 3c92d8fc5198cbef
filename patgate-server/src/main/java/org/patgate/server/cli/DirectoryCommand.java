package org.patgate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code patgate directory status|test}: the user directories in use, and an LDAP connection check (admins). */
@Command(
        name = "directory",
        mixinStandardHelpOptions = true,
        description = "Show the user directories (local, LDAP) and check the LDAP connection.",
        subcommands = {DirectoryCommand.Status.class, DirectoryCommand.Test.class})
final class DirectoryCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: status or test");
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Each directory and what it last observed: server in use, latency, last error.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode answer = client.connect(spec).get("directory");
            PrintWriter out = spec.commandLine().getOut();
            if (client.json) {
                out.println(answer.toPrettyString());
            } else {
                answer.get("directories").forEach(directory -> print(out, directory));
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "test",
            mixinStandardHelpOptions = true,
            description = "Connect to the LDAP directory now, bind as the service account and read both base "
                    + "entries. Exit code 1 when it is not reachable.")
    static final class Test implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode answer = client.connect(spec).post("directory/test", Map.of());
            PrintWriter out = spec.commandLine().getOut();
            if (client.json) {
                out.println(answer.toPrettyString());
            } else {
                print(out, answer);
            }
            out.flush();
            return "up".equals(answer.path("status").asText()) ? 0 : 1;
        }
    }

    /** One line per directory: kind and status, then where, how fast, and the last error. */
    static void print(PrintWriter out, JsonNode directory) {
        StringBuilder line = new StringBuilder(String.format(
                "%-6s %-8s",
                directory.path("kind").asText(), directory.path("status").asText()));
        if (directory.hasNonNull("serverInUse")) {
            line.append(" server ").append(directory.get("serverInUse").asText());
        } else if (directory.has("urls")) {
            line.append(" urls ").append(PermissionsCommand.join(directory.get("urls")));
        }
        if (directory.hasNonNull("latencyMs")) {
            line.append(" latency ").append(directory.get("latencyMs").asLong()).append(" ms");
        }
        if (directory.hasNonNull("checkedAt")) {
            line.append(" checked ").append(directory.get("checkedAt").asText());
        }
        out.println(line);
        if (directory.hasNonNull("lastError")) {
            out.println("       last error: " + directory.get("lastError").asText());
        }
    }
}
