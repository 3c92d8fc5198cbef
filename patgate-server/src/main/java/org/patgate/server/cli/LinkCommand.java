package org.patgate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.patgate.core.PatgateException;
import org.patgate.server.cli.internal.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code patgate link status|paste|mint|remove}: the caller's link to their account on the upstream
 * product (identity mode {@code upstream-token}) through a running server's API; admins see and
 * remove anyone's with {@code --for-user}. A native token is read from stdin or a file, never from
 * the command line (where other users could read it in the process list), and never printed.
 */
@Command(
        name = "link",
        mixinStandardHelpOptions = true,
        description = "Link your PATgate user to your account on the upstream product (identity mode upstream-token).",
        subcommands = {
            LinkCommand.Status.class,
            LinkCommand.Paste.class,
            LinkCommand.Mint.class,
            LinkCommand.Remove.class
        })
final class LinkCommand implements Runnable {

    /** Longer than any native token the server accepts, short enough to read into memory. */
    static final int MAX_TOKEN_BYTES = 8192;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                spec.commandLine(), "missing subcommand: status, paste, mint or remove");
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description =
                    "Show your link (admins: --for-user NAME for anyone's): status, reason, upstream user, expiry.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Option(names = "--for-user", paramLabel = "NAME", description = "this user's link (admins only)")
        String forUser;

        @Override
        public Integer call() {
            print(spec, client.json, client.connect(spec).get(path(forUser)));
            return 0;
        }
    }

    @Command(
            name = "paste",
            mixinStandardHelpOptions = true,
            description = {
                "Link with a personal access token you made in the upstream product.",
                "The token is read from --token-file, else from stdin (e.g. 'patgate link paste < token.txt');"
                        + " it is never taken from the command line."
            })
    static final class Paste implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Option(
                names = "--token-file",
                paramLabel = "FILE",
                description = "read the native token from this file (else from stdin)")
        Path tokenFile;

        /** Taken only to refuse it without echoing it: a token on the command line ends up in history and ps. */
        @Parameters(hidden = true, arity = "0..*")
        List<String> onTheCommandLine;

        @Override
        public Integer call() {
            if (onTheCommandLine != null && !onTheCommandLine.isEmpty()) {
                onTheCommandLine.clear();
                throw new PatgateException("the native token is not taken as an argument (it would stay in your shell"
                        + " history and be visible to ps): give --token-file FILE or pipe it on stdin");
            }
            String token = tokenFile != null ? fromFile(tokenFile) : fromStdin(spec);
            if (token.isEmpty()) {
                throw new PatgateException("no native token: give --token-file FILE or pipe the token on stdin");
            }
            ApiClient api = client.connect(spec);
            print(spec, client.json, api.put("me/upstream-link", Map.of("token", token)));
            return 0;
        }
    }

    @Command(
            name = "mint",
            mixinStandardHelpOptions = true,
            description = "Have PATgate make a personal access token in the upstream product with your password"
                    + " (the one this command signs in with) and link it.")
    static final class Mint implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            char[][] password = new char[1][];
            ApiClient api = client.connect(spec, copy -> password[0] = copy);
            try {
                // Jackson writes a char[] as a JSON string: no String copy of the password is made here.
                print(spec, client.json, api.put("me/upstream-link", Map.of("password", password[0])));
            } finally {
                Arrays.fill(password[0], '\0');
            }
            return 0;
        }
    }

    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = "Remove your link (admins: --for-user NAME for anyone's); a token PATgate made is revoked"
                    + " in the upstream product where it allows.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Option(names = "--for-user", paramLabel = "NAME", description = "remove this user's link (admins only)")
        String forUser;

        @Override
        public Integer call() {
            JsonNode removed = client.connect(spec).delete(path(forUser));
            PrintWriter out = spec.commandLine().getOut();
            if (client.json) {
                out.println(removed.toPrettyString());
            } else {
                out.println("removed the link" + (forUser == null ? "" : " of " + forUser) + " to "
                        + text(removed, "upstreamUsername"));
                JsonNode revoked = removed.get("revokedUpstream");
                if (revoked != null && !revoked.isNull()) {
                    out.println("revoked upstream: "
                            + (revoked.asBoolean() ? "yes" : "no (" + text(removed, "revokeNote") + ")"));
                }
            }
            out.flush();
            return 0;
        }
    }

    private static String path(String forUser) {
        return forUser == null ? "me/upstream-link" : "users/" + TokenCommand.encode(forUser) + "/upstream-link";
    }

    private static void print(CommandSpec spec, boolean json, JsonNode link) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(link.toPrettyString());
        } else {
            out.println("status:        " + text(link, "status"));
            out.println("reason:        " + text(link, "reason"));
            out.println("upstream user: " + text(link, "upstreamUsername"));
            out.println("kind:          " + text(link, "kind"));
            out.println("linked at:     " + text(link, "linkedAt"));
            boolean linked = link.hasNonNull("upstreamUsername");
            out.println("expires:       "
                    + (!linked ? "-" : link.hasNonNull("expiresAt") ? text(link, "expiresAt") : "never or unknown"));
        }
        out.flush();
    }

    private static String fromFile(Path file) {
        try {
            if (Files.size(file) > MAX_TOKEN_BYTES) {
                throw new PatgateException("--token-file: " + file + " is larger than a native token can be");
            }
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new PatgateException("--token-file: no such file: " + file);
        } catch (IOException e) {
            throw new PatgateException("--token-file: cannot read " + file + ": " + e.getMessage());
        }
    }

    private static String fromStdin(CommandSpec spec) {
        if (System.console() != null) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("paste the native token, then press Enter and Ctrl-D:");
            err.flush();
        }
        InputStream in = System.in;
        try {
            byte[] bytes = in.readNBytes(MAX_TOKEN_BYTES + 1);
            if (bytes.length > MAX_TOKEN_BYTES) {
                throw new PatgateException("stdin holds more than a native token can be");
            }
            return new String(bytes, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new PatgateException("cannot read the native token from stdin: " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "-" : value.asText();
    }
}
