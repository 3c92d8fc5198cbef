package org.patgate.server.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.patgate.server.cli.Main;

/**
 * Runs the {@code patgate} command line in-process, as an operator would from a shell, and captures
 * its exit code, standard output and standard error. Against a {@link RunningServer} it puts the
 * server's URL and the caller's credentials in the env, as the CLI reads them only from there:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RunningServer server = RunningServer.builder().build();
 * @RegisterExtension
 * static final CliRunner cli = CliRunner.against(server);
 * }</pre>
 *
 * When a test fails, the transcript of its last command is added to the failure, so a report shows
 * what the CLI printed. Safe for tests running at once; the transcript is the last of any of them.
 */
public final class CliRunner implements TestExecutionExceptionHandler {

    /** What one command did. */
    public record Result(int exitCode, String out, String err) {}

    private final Supplier<URI> server;
    private volatile String lastCommand;

    private CliRunner(Supplier<URI> server) {
        this.server = server;
    }

    /** A runner whose commands talk to {@code server} (read when a command runs, so after its start). */
    public static CliRunner against(RunningServer server) {
        return new CliRunner(server::baseUri);
    }

    /** A runner whose commands talk to the server at the URL {@code server} answers when a command runs. */
    public static CliRunner against(Supplier<URI> server) {
        return new CliRunner(server);
    }

    /** Runs the command with exactly this env. */
    public Result run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
        Result result = new Result(code, out.toString(), err.toString());
        lastCommand = "patgate " + String.join(" ", List.of(args)) + "\n→ exit " + code + "\nstdout:\n" + result.out()
                + "\nstderr:\n" + result.err();
        return result;
    }

    /** The env of a caller signed in as {@code user}: the server's URL and the credentials. */
    public Map<String, String> as(String user, String password) {
        Map<String, String> env = new HashMap<>();
        env.put("PATGATE_URL", server.get().toString());
        env.put("PATGATE_USER", user);
        env.put("PATGATE_PASSWORD", password);
        return env;
    }

    public Result run(String user, String password, String... args) {
        return run(as(user, password), args);
    }

    /** Runs as {@code user} with more env entries (new passwords are read from there, too). */
    public Result run(String user, String password, Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.putAll(as(user, password));
        return run(env, args);
    }

    /** Runs as the bootstrap admin. */
    public Result admin(String... args) {
        return run(RunningServer.ADMIN, RunningServer.ADMIN_PASSWORD, args);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        String transcript = lastCommand;
        if (transcript != null) {
            failure.addSuppressed(new CliTranscript(transcript));
        }
        throw failure;
    }

    /** The last command's output, attached to a failure; not an error of its own. */
    private static final class CliTranscript extends RuntimeException {
        CliTranscript(String transcript) {
            super("last CLI command:\n" + transcript, null, false, false);
        }
    }
}
