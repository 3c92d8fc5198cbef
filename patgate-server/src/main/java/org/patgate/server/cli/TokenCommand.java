package org.patgate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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

/**
 * {@code patgate token create|list|get|revoke|rotate|activity|addresses}: manage tokens through a running server's API.
 * A new secret goes to stdout alone (so {@code TOKEN=$(patgate token create ...)} works); the
 * explanation goes to stderr.
 */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = "Create, list, revoke and rotate tokens.",
        subcommands = {
            TokenCommand.Create.class,
            TokenCommand.ListTokens.class,
            TokenCommand.Get.class,
            TokenCommand.Revoke.class,
            TokenCommand.Rotate.class,
            TokenCommand.Activity.class,
            RateLimitCommand.ForToken.class,
            TokenAddressesCommand.class
        })
final class TokenCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                spec.commandLine(),
                "missing subcommand: create, list, get, revoke, rotate, activity, rate-limit or addresses");
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a token; prints the secret once.")
    static final class Create implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Option(names = "--name", required = true, description = "what the token is for, e.g. 'nightly backup'")
        String name;

        @Option(names = "--scope", defaultValue = "read-only", description = "read-only (default) or read-write")
        String scope;

        @Option(names = "--owner", description = "create for this user (admins only)")
        String owner;

        @Option(names = "--expires-in-days", paramLabel = "DAYS", description = "expire after DAYS days")
        Integer expiresInDays;

        @Option(
                names = "--expires-at",
                paramLabel = "TIME",
                description = "expire at an RFC 3339 time, e.g. 2027-01-31T17:00:00Z")
        String expiresAt;

        @Option(names = "--allowed-ip", paramLabel = "CIDR", description = "only from this range (repeatable)")
        List<String> allowedIps = new ArrayList<>();

        @Option(
                names = "--preset",
                paramLabel = "NAME",
                description = "fine-grained rules preset, e.g. jira-read-issues-and-search (see GET /presets)")
        String preset;

        @Mixin
        RateLimitOptions rateLimit;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("scope", scope);
            putIfSet(body, "owner", owner);
            putIfSet(body, "expiresInDays", expiresInDays);
            putIfSet(body, "expiresAt", expiresAt);
            if (!allowedIps.isEmpty()) {
                body.put("allowedIps", allowedIps);
            }
            if (preset != null) {
                body.put("rules", Map.of("preset", preset));
            }
            if (rateLimit.any()) {
                body.put("rateLimit", rateLimit.body());
            }
            JsonNode token = client.connect(spec).post("tokens", body);
            printSecret(spec, client.json, token, "Created");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tokens you may see.")
    static final class ListTokens implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Option(names = "--owner", description = "only this user's tokens (admins: anyone)")
        String owner;

        @Option(names = "--status", description = "active, expired, revoked, pending or denied")
        String status;

        @Option(
                names = {"-q", "--q", "--query"},
                description = "name contains, or hint is")
        String query;

        @Option(names = "--scope", description = "read-only or read-write")
        String scope;

        @Option(names = "--expires-before", paramLabel = "TIME", description = "expiring before this RFC 3339 time")
        String expiresBefore;

        @Option(
                names = "--last-used-before",
                paramLabel = "TIME",
                description = "last used before this RFC 3339 time, or never used and created before it")
        String lastUsedBefore;

        @Option(
                names = "--sort",
                description =
                        "created, expires, lastUsed, name or owner; '-' first for descending " + "(default -created)")
        String sort;

        @Option(names = "--page", defaultValue = "1")
        int page;

        @Option(names = "--size", defaultValue = "50")
        int size;

        @Override
        public Integer call() {
            StringBuilder path = new StringBuilder("tokens?page=")
                    .append(page)
                    .append("&size=")
                    .append(size);
            appendParam(path, "owner", owner);
            appendParam(path, "status", status);
            appendParam(path, "q", query);
            appendParam(path, "scope", scope);
            appendParam(path, "expiresBefore", expiresBefore);
            appendParam(path, "lastUsedBefore", lastUsedBefore);
            appendParam(path, "sort", sort);
            JsonNode result = client.connect(spec).get(path.toString());
            PrintWriter out = spec.commandLine().getOut();
            if (client.json) {
                out.println(result.toPrettyString());
            } else {
                out.printf(
                        "%-12s  %-24s  %-12s  %-10s  %-8s  %-20s  %-20s  %s%n",
                        "ID", "NAME", "OWNER", "SCOPE", "STATUS", "EXPIRES", "LAST USED", "HINT");
                for (JsonNode t : result.get("items")) {
                    out.printf(
                            "%-12s  %-24s  %-12s  %-10s  %-8s  %-20s  %-20s  %s%n",
                            t.get("id").asText(),
                            cut(t.get("name").asText(), 24),
                            cut(t.get("owner").asText(), 12),
                            t.get("scope").asText(),
                            t.get("status").asText(),
                            text(t, "expiresAt"),
                            text(t, "lastUsedAt"),
                            t.get("hint").asText());
                }
                out.println(result.get("total").asLong() + " token(s)");
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one token's settings and state.")
    static final class Get implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            JsonNode token = client.connect(spec).get("tokens/" + encode(id));
            spec.commandLine().getOut().println(token.toPrettyString());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            description = {
                "Revoke a token by id, or in bulk every token matching filters (e.g. all tokens of a "
                        + "departed user, or stale ones); revoked tokens stop working at once.",
                "Bulk revocation needs --yes; without it, prints how many tokens match and revokes nothing."
            })
    static final class Revoke implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", arity = "0..1", description = "the token to revoke")
        String id;

        @Option(names = "--owner", description = "bulk: every token of this user")
        String owner;

        @Option(
                names = "--stale-before",
                paramLabel = "TIME",
                description = "bulk: tokens last used before this RFC 3339 time, or never used and created before it")
        String staleBefore;

        @Option(names = "--expires-before", paramLabel = "TIME", description = "bulk: tokens expiring before this time")
        String expiresBefore;

        @Option(names = "--status", description = "bulk: only tokens in this status")
        String status;

        @Option(names = "--yes", description = "bulk: really revoke (no question is asked)")
        boolean yes;

        @Override
        public Integer call() {
            Map<String, Object> filters = new LinkedHashMap<>();
            putIfSet(filters, "owner", owner);
            putIfSet(filters, "lastUsedBefore", staleBefore);
            putIfSet(filters, "expiresBefore", expiresBefore);
            putIfSet(filters, "status", status);
            PrintWriter out = spec.commandLine().getOut();
            if (id != null) {
                if (!filters.isEmpty()) {
                    throw new picocli.CommandLine.ParameterException(
                            spec.commandLine(),
                            "give a token ID or bulk filters (--owner, --stale-before, ...), not both");
                }
                client.connect(spec).delete("tokens/" + encode(id));
                out.println("revoked " + id);
                out.flush();
                return 0;
            }
            if (filters.isEmpty()) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(),
                        "give a token ID, or --owner and/or --stale-before (with --yes) to revoke in bulk");
            }
            var api = client.connect(spec);
            if (!yes) {
                StringBuilder path = new StringBuilder("tokens?size=1");
                filters.forEach((name, value) -> appendParam(path, name, value.toString()));
                long matching = api.get(path.toString()).get("total").asLong();
                PrintWriter err = spec.commandLine().getErr();
                err.println(matching
                        + " token(s) match (revoked ones included); nothing revoked. Add --yes to revoke them.");
                err.flush();
                return 1;
            }
            JsonNode result = api.post("tokens/revoke", filters);
            if (client.json) {
                out.println(result.toPrettyString());
            } else {
                out.println("revoked " + result.get("revoked").asInt() + " token(s)");
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "rotate",
            mixinStandardHelpOptions = true,
            description = "Issue a new secret for a token; the old one stops working at once.")
    static final class Rotate implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            JsonNode token = client.connect(spec).post("tokens/" + encode(id) + "/rotate", Map.of());
            printSecret(spec, client.json, token, "Rotated");
            return 0;
        }
    }

    @Command(
            name = "activity",
            mixinStandardHelpOptions = true,
            description = "Show when and from where a token was last used, and its recent requests.")
    static final class Activity implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--size", defaultValue = "20", description = "how many recent requests (default 20)")
        int size;

        @Override
        public Integer call() {
            JsonNode activity = client.connect(spec).get("tokens/" + encode(id) + "/activity?size=" + size);
            PrintWriter out = spec.commandLine().getOut();
            if (client.json) {
                out.println(activity.toPrettyString());
            } else {
                out.printf(
                        "last used %s from %s (%s)%n",
                        text(activity, "lastUsedAt"), text(activity, "lastUsedIp"), text(activity, "lastUsedAgent"));
                for (JsonNode r : activity.get("items")) {
                    out.printf(
                            "%-27s  %-7s %3d  %8.1f ms  %-15s  %s%n",
                            r.get("at").asText(),
                            r.get("method").asText(),
                            r.get("status").asInt(),
                            r.get("latencyMs").asDouble(),
                            text(r, "ip"),
                            r.get("path").asText());
                }
            }
            out.flush();
            return 0;
        }
    }

    private static void printSecret(CommandSpec spec, boolean json, JsonNode token, String verb) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(token.toPrettyString());
        } else {
            PrintWriter err = spec.commandLine().getErr();
            err.printf(
                    "%s token %s '%s' for %s (%s, expires %s). Copy it now: it will not be shown again.%n",
                    verb,
                    token.get("id").asText(),
                    token.get("name").asText(),
                    token.get("owner").asText(),
                    token.get("scope").asText(),
                    text(token, "expiresAt"));
            err.flush();
            out.println(token.get("token").asText());
        }
        out.flush();
    }

    private static void putIfSet(Map<String, Object> body, String key, Object value) {
        if (value != null) {
            body.put(key, value);
        }
    }

    private static void appendParam(StringBuilder path, String name, String value) {
        if (value != null && !value.isEmpty()) {
            path.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "never" : value.asText();
    }

    private static String cut(String value, int width) {
        return value.length() <= width ? value : value.substring(0, width - 1) + "…";
    }
}
