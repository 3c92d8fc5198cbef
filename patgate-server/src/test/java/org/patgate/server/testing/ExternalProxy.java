package org.patgate.server.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A proxy product (nginx, Caddy) started by a test as a child process with a configuration it wrote,
 * listening on a loopback port: {@link #start} returns once the port accepts connections (bounded),
 * {@link #close} stops the process. Its output goes to {@code output.log} in its directory, shown when
 * it fails to start.
 */
public final class ExternalProxy implements AutoCloseable {

    private final Process process;
    private final int port;

    private ExternalProxy(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The first of {@code candidates} that is an executable file, or null. */
    public static Path find(String... candidates) {
        for (String candidate : candidates) {
            Path path = Path.of(candidate);
            if (Files.isExecutable(path)) {
                return path;
            }
        }
        return null;
    }

    /** A loopback port free right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /** Runs {@code command} in {@code dir}; returns once {@code 127.0.0.1:port} accepts connections. */
    public static ExternalProxy start(List<String> command, Path dir, int port) throws IOException {
        Path log = dir.resolve("output.log");
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ExternalProxy proxy = new ExternalProxy(process, port);
        for (int attempt = 0; attempt < 200; attempt++) {
            if (!process.isAlive()) {
                break;
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return proxy;
            } catch (IOException notYet) {
                sleep();
            }
        }
        proxy.close();
        throw new IllegalStateException(
                command.getFirst() + " did not start on port " + port + ":\n" + Files.readString(log));
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
