package org.patgate.server.cli;

import java.io.Console;
import java.net.URI;
import java.util.Map;
import java.util.function.Consumer;
import org.patgate.core.PatgateException;
import org.patgate.server.cli.internal.ApiClient;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * How CLI commands reach a running server: {@code --url} (env PATGATE_URL), {@code --user} (env
 * PATGATE_USER) and the password from env PATGATE_PASSWORD or a prompt — never from the command
 * line, where other users could read it in the process list.
 */
final class ClientOptions {

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "PATgate base URL (env PATGATE_URL, default http://127.0.0.1:8080)")
    String url;

    @Option(
            names = {"-u", "--user"},
            paramLabel = "USER",
            description = "your username (env PATGATE_USER)")
    String user;

    @Option(names = "--json", description = "print the raw JSON answer")
    boolean json;

    ApiClient connect(CommandSpec spec) {
        return connect(spec, null);
    }

    /** As {@link #connect(CommandSpec)}; {@code loginPassword}, if not null, receives a copy of the password used. */
    ApiClient connect(CommandSpec spec, Consumer<char[]> loginPassword) {
        Map<String, String> env = Main.env(spec);
        String base = firstNonEmpty(url, env.get("PATGATE_URL"), "http://127.0.0.1:8080");
        URI uri;
        try {
            uri = URI.create(base);
        } catch (IllegalArgumentException e) {
            throw new PatgateException("--url: not a URL: " + base);
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
            throw new PatgateException("--url: must be an http(s) URL such as http://127.0.0.1:8080, got " + base);
        }
        String username = firstNonEmpty(user, env.get("PATGATE_USER"), null);
        if (username == null) {
            throw new PatgateException("who are you? give --user or set PATGATE_USER");
        }
        char[] password = password(env, username);
        if (loginPassword != null) {
            loginPassword.accept(password.clone());
        }
        return new ApiClient(uri, username, password);
    }

    private static char[] password(Map<String, String> env, String username) {
        String fromEnv = env.get("PATGATE_PASSWORD");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv.toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw new PatgateException("no password: set PATGATE_PASSWORD or run in a terminal to be prompted");
        }
        char[] password = console.readPassword("Password for %s: ", username);
        if (password == null || password.length == 0) {
            throw new PatgateException("no password given");
        }
        return password;
    }

    static String firstNonEmpty(String... values) {
        for (String value : values) {
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return null;
    }
}
