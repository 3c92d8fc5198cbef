package org.patgate.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real git command line for tests: runs git with no system or user configuration (a scratch
 * {@code HOME}), no prompts and a 60-second bound, and makes the bare repository with one commit on
 * {@code main} that the git-over-HTTP tests clone and push to. Thread-safe.
 */
public final class GitRepos {

    /** What one git command did. */
    public record Git(int exit, String out, String err) {}

    private final Path home;

    /** Git runs with {@code home} as {@code HOME} (no user configuration, no credential helper). */
    public GitRepos(Path home) {
        this.home = home;
    }

    /** A bare repository at {@code bare} that accepts pushes, holding a README committed on {@code main}. */
    public void seedBare(Path bare, Path scratch) throws Exception {
        require(git(scratch, "init", "--bare", "--initial-branch=main", bare.toString()));
        require(git(scratch, "-C", bare.toString(), "config", "http.receivepack", "true"));
        Path seed = scratch.resolve("seed");
        require(git(scratch, "init", "--initial-branch=main", seed.toString()));
        Files.writeString(seed.resolve("README"), "hello\n");
        require(git(seed, "add", "README"));
        require(commit(seed, "first"));
        require(git(seed, "push", bare.toString(), "main"));
    }

    public Git commit(Path repo, String message) throws Exception {
        return git(repo, "-c", "user.name=Alice", "-c", "user.email=alice@example.com", "commit", "-qam", message);
    }

    /** The commit {@code main} points to. */
    public String head(Path repo) throws Exception {
        Git result = git(repo, "rev-parse", "refs/heads/main");
        require(result);
        return result.out().strip();
    }

    /** The {@code -c} value that sends {@code token} as a Bearer token (not in the URL or {@code .git/config}). */
    public static String bearer(String token) {
        return "http.extraHeader=Authorization: Bearer " + token;
    }

    /** The URL of {@code repo} on a loopback {@code port} with {@code token} as the Basic password. */
    public static String basicUrl(int port, String repo, String token) {
        return "http://x-token-auth:" + token + "@127.0.0.1:" + port + repo;
    }

    public static void require(Git result) {
        if (result.exit() != 0) {
            throw new AssertionError("git failed (" + result.exit() + "): " + result.err());
        }
    }

    /** Runs git in {@code dir}; gives up after 60 seconds. */
    public Git git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("GIT_"));
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("HOME", home.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("git " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Git(process.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
