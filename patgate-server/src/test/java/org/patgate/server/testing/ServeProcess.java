package org.patgate.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node process started as an administrator starts one: {@code <launcher> serve --config patgate.yml}
 * in a home directory of its own, with a 256 MiB heap and no ahead-of-time cache unless the
 * environment says otherwise. Its address is what it announces on its output. Closing it stops it as
 * an operator does: SIGTERM, bounded, then SIGKILL.
 *
 * @param output everything the process printed so far (for failure messages)
 */
public record ServeProcess(Process process, URI base, StringBuffer output, Thread reader) implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("PATgate listening on (http://\\S+) ");

    /**
     * Writes {@code config} to {@code home/patgate.yml}, starts the launcher there and waits up to
     * {@code startLimit} for it to announce its address; a node that does not is killed and fails the
     * test with its output.
     */
    public static ServeProcess start(
            Path launcher, Path home, String config, Map<String, String> environment, Duration startLimit)
            throws IOException, InterruptedException {
        Files.createDirectories(home);
        Path file = home.resolve("patgate.yml");
        Files.writeString(file, config);
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "serve", "--config", file.toString())
                .directory(home.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("PATGATE_HEAP", "256m");
        env.put("PATGATE_AOT", "off");
        env.putAll(environment);
        Process process = builder.start();
        StringBuffer output = new StringBuffer();
        CompletableFuture<URI> listening = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> readOutput(process, output, listening));
        try {
            return new ServeProcess(
                    process, listening.get(startLimit.toMillis(), TimeUnit.MILLISECONDS), output, reader);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            throw new AssertionError("node in " + home.getFileName() + " did not start; output:\n" + output, e);
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(base.getHost(), base.getPort());
    }

    /** SIGTERM, as an operator stops a node; after 30 s SIGKILL. */
    public void stop() throws InterruptedException {
        if (process.isAlive()) {
            process.toHandle().destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        reader.join(5_000);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private static void readOutput(Process process, StringBuffer output, CompletableFuture<URI> listening) {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                output.append(line).append('\n');
                Matcher matcher = LISTENING.matcher(line);
                if (matcher.find()) {
                    listening.complete(URI.create(matcher.group(1)));
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        listening.completeExceptionally(new AssertionError("the node ended without announcing its address"));
    }
}
