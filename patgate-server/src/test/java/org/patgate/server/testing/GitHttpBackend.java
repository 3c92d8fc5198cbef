package org.patgate.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A git server as Bitbucket's {@code /scm/} paths are seen from the gateway: a Jetty server on a
 * loopback port that runs the real {@code git http-backend} as a CGI program for every request under
 * {@code /scm/}, serving the bare repositories under a project root ({@code /scm/proj/repo.git} is
 * {@code <root>/proj/repo.git}). Pushing is enabled per repository with {@code http.receivepack true}.
 * The identity header becomes {@code REMOTE_USER}. It records what it received.
 */
public final class GitHttpBackend implements AutoCloseable {

    /** One request as the backend received it. */
    public record Received(String method, String path, String query) {}

    private static final String PREFIX = "/scm";

    private final Server server;
    private final ServerConnector connector;
    private final Path root;
    private final Path home;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    /**
     * @param root the project root holding the bare repositories
     * @param home an empty directory for {@code HOME}, so no user configuration applies
     */
    public GitHttpBackend(Path root, Path home) throws Exception {
        this.root = root;
        this.home = home;
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(handler());
        server.start();
    }

    /** A new handler serving {@code /scm/**} from the same repositories, to mount in another server. */
    public Handler handler() {
        return new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String path = request.getHttpURI().getPath();
                received.add(new Received(
                        request.getMethod(), path, request.getHttpURI().getQuery()));
                if (!path.startsWith(PREFIX + "/")) {
                    Response.writeError(request, response, callback, 404);
                    return true;
                }
                cgi(request, response, path.substring(PREFIX.length()));
                callback.succeeded();
                return true;
            }
        };
    }

    /** Whether {@code git} can be run here; tests that need it skip otherwise. */
    public static boolean gitAvailable() {
        try {
            Process process = new ProcessBuilder("git", "--version")
                    .redirectErrorStream(true)
                    .start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void cgi(Request request, Response response, String pathInfo) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("git", "http-backend");
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("GIT_"));
        env.put("HOME", home.toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_PROJECT_ROOT", root.toString());
        env.put("GIT_HTTP_EXPORT_ALL", "1");
        env.put("PATH_INFO", pathInfo);
        env.put("REQUEST_METHOD", request.getMethod());
        env.put(
                "QUERY_STRING",
                request.getHttpURI().getQuery() == null
                        ? ""
                        : request.getHttpURI().getQuery());
        env.put("REMOTE_ADDR", "127.0.0.1");
        putIfPresent(env, "CONTENT_TYPE", request.getHeaders().get(HttpHeader.CONTENT_TYPE));
        putIfPresent(env, "CONTENT_LENGTH", request.getHeaders().get(HttpHeader.CONTENT_LENGTH));
        putIfPresent(env, "HTTP_CONTENT_ENCODING", request.getHeaders().get(HttpHeader.CONTENT_ENCODING));
        putIfPresent(env, "GIT_PROTOCOL", request.getHeaders().get("Git-Protocol"));
        putIfPresent(env, "REMOTE_USER", request.getHeaders().get("X-Forwarded-User"));
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        // The request body goes in on its own thread: the program may answer before it has read all of it.
        Thread feeder = Thread.ofVirtual().start(() -> {
            try (InputStream in = Content.Source.asInputStream(request);
                    OutputStream out = process.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                process.destroy();
            }
        });
        try (InputStream out = process.getInputStream()) {
            readHeaders(out, response);
            try (OutputStream body = Content.Sink.asOutputStream(response)) {
                out.transferTo(body);
            }
        } finally {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            feeder.join(TimeUnit.SECONDS.toMillis(60));
        }
    }

    /** CGI response headers (RFC 3875 §6.3): {@code Status:} sets the status, the others are copied. */
    private static void readHeaders(InputStream in, Response response) throws IOException {
        response.setStatus(200);
        for (int lines = 0; lines < 100; lines++) {
            String line = readLine(in);
            if (line.isEmpty()) {
                return;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed CGI header line: " + line);
            }
            String name = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (name.equalsIgnoreCase("Status")) {
                response.setStatus(Integer.parseInt(value.split(" ", 2)[0]));
            } else {
                response.getHeaders().add(name, value);
            }
        }
        throw new IOException("too many CGI header lines");
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            if (line.size() > 8192) {
                throw new IOException("CGI header line too long");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static void putIfPresent(Map<String, String> env, String name, String value) {
        if (value != null) {
            env.put(name, value);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public void clear() {
        received.clear();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
