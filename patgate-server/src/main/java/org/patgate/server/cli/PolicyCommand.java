package org.patgate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code patgate policy list|set|delete}: token policies by group (admins). */
@Command(
        name = "policy",
        mixinStandardHelpOptions = true,
        description = "Show, set or remove token policies by group.",
        subcommands = {PolicyCommand.ListPolicies.class, PolicyCommand.Set.class, PolicyCommand.Delete.class})
final class PolicyCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, set or delete");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every policy.")
    static final class ListPolicies implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode all = client.connect(spec).get("policies");
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
            name = "set",
            mixinStandardHelpOptions = true,
            description = "Set a group's policy (replaces the previous one); unset options mean no limit.")
    static final class Set implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "GROUP", description = "a group name, or 'everyone'")
        String target;

        @Option(names = "--max-lifetime-days")
        Integer maxLifetimeDays;

        @Option(names = "--expiry-required")
        boolean expiryRequired;

        @Option(names = "--max-active-tokens")
        Integer maxActiveTokens;

        @Option(names = "--allowed-scope", paramLabel = "SCOPE", description = "read-only or read-write (repeatable)")
        List<String> allowedScopes = new ArrayList<>();

        @Option(names = "--required-ip", paramLabel = "CIDR", description = "tokens must stay within (repeatable)")
        List<String> requiredIps = new ArrayList<>();

        @Option(names = "--approval-required")
        boolean approvalRequired;

        @Option(names = "--rate-limit", paramLabel = "PER_MINUTE", description = "as --rate-limit-per-minute")
        Integer rateLimit;

        @Mixin
        RateLimitOptions rateLimits;

        @Option(
                names = "--reminder-days",
                paramLabel = "DAYS",
                split = ",",
                description = "days before expiry to remind owners, e.g. 30,7,1 (default 30,7,1)")
        List<Integer> reminderDays;

        @Option(
                names = "--revoke-unused-after-days",
                paramLabel = "DAYS",
                description = "revoke tokens unused this many days, with a notice at half")
        Integer revokeUnusedAfterDays;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("maxLifetimeDays", maxLifetimeDays);
            body.put("expiryRequired", expiryRequired);
            body.put("maxActiveTokens", maxActiveTokens);
            body.put("allowedScopes", allowedScopes.isEmpty() ? null : allowedScopes);
            body.put("requiredIpRanges", requiredIps.isEmpty() ? null : requiredIps);
            body.put("approvalRequired", approvalRequired);
            body.put("rateLimitPerMinute", rateLimit != null ? rateLimit : rateLimits.perMinute);
            body.put("rateLimitPerSecond", rateLimits.perSecond);
            body.put("rateLimitPerDay", rateLimits.perDay);
            body.put("rateLimitBurst", rateLimits.burst);
            body.put("reminderDays", reminderDays);
            body.put("revokeUnusedAfterDays", revokeUnusedAfterDays);
            JsonNode result = client.connect(spec).put("policies/" + GroupTarget.path(target), body);
            spec.commandLine().getOut().println(result.get("group").asText() + ": " + result.get("policy"));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove a group's policy.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "GROUP", description = "a group name, or 'everyone'")
        String target;

        @Override
        public Integer call() {
            client.connect(spec).delete("policies/" + GroupTarget.path(target));
            spec.commandLine().getOut().println("removed the policy of " + target);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
