package org.patgate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code patgate token addresses ID}: the last distinct client addresses a token was used from, most
 * recently seen first, with first and last time seen and the user agent ({@code GET
 * /tokens/{id}/addresses}).
 */
@Command(
        name = "addresses",
        mixinStandardHelpOptions = true,
        description = "Show the last 10 distinct client addresses a token was used from.")
final class TokenAddressesCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
        JsonNode answer = client.connect(spec).get("tokens/" + TokenCommand.encode(id) + "/addresses");
        PrintWriter out = spec.commandLine().getOut();
        if (client.json) {
            out.println(answer.toPrettyString());
        } else if (answer.get("items").isEmpty()) {
            out.println("not used yet");
        } else {
            out.printf("%-39s  %-24s  %-24s  %s%n", "ADDRESS", "FIRST SEEN", "LAST SEEN", "USER AGENT");
            for (JsonNode a : answer.get("items")) {
                JsonNode agent = a.get("userAgent");
                out.printf(
                        "%-39s  %-24s  %-24s  %s%n",
                        a.get("address").asText(),
                        a.get("firstSeen").asText(),
                        a.get("lastSeen").asText(),
                        agent == null || agent.isNull() ? "-" : agent.asText());
            }
        }
        out.flush();
        return 0;
    }
}
