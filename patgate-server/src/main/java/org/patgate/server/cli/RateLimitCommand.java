package org.patgate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code token rate-limit ID} and {@code user rate-limit NAME}: show, set or remove a rate limit. */
final class RateLimitCommand {

    private RateLimitCommand() {}

    @Command(
            name = "rate-limit",
            mixinStandardHelpOptions = true,
            description = "Show, set (admins, or the owner within the limit that applies otherwise) or remove "
                    + "a token's own rate limit; it replaces its owner's and groups' limits.")
    static final class ForToken implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID")
        String id;

        @Mixin
        RateLimitOptions limit;

        @Option(names = "--remove", description = "remove the limit")
        boolean remove;

        @Override
        public Integer call() {
            return run(client, spec, "tokens/" + TokenCommand.encode(id) + "/rate-limit", limit, remove);
        }
    }

    @Command(
            name = "rate-limit",
            mixinStandardHelpOptions = true,
            description = "Show, set or remove a user's rate limit (admins): one count for all their tokens.")
    static final class ForUser implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "USERNAME")
        String username;

        @Mixin
        RateLimitOptions limit;

        @Option(names = "--remove", description = "remove the limit")
        boolean remove;

        @Override
        public Integer call() {
            return run(client, spec, "users/" + TokenCommand.encode(username) + "/rate-limit", limit, remove);
        }
    }

    /** Shows the limit; with options sets it; with {@code --remove} removes it. */
    private static int run(
            ClientOptions client, CommandSpec spec, String path, RateLimitOptions limit, boolean remove) {
        if (remove && limit.any()) {
            throw new ParameterException(spec.commandLine(), "give --remove or new --rate-limit-... values, not both");
        }
        var api = client.connect(spec);
        if (remove) {
            api.delete(path);
            spec.commandLine().getOut().println("removed the rate limit");
        } else {
            JsonNode result = limit.any() ? api.put(path, limit.body()) : api.get(path);
            spec.commandLine().getOut().println(result.toPrettyString());
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
