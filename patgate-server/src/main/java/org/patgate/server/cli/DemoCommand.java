package org.patgate.server.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.patgate.core.PatgateException;
import org.patgate.server.app.PatgateServer;
import org.patgate.server.app.PortInUseException;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.demo.DemoSetup;
import org.patgate.server.demo.DemoSetup.DemoCredentials;
import org.patgate.server.demo.EchoUpstream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code patgate demo}: zero configuration. An embedded H2 database under {@code ./patgate-demo/},
 * a built-in echo upstream on a loopback port, the gateway on 127.0.0.1:8080, demo users and
 * tokens, and a list of things to try.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Run a self-contained demo: gateway, echo upstream, demo users and tokens.")
final class DemoCommand implements Callable<Integer> {

    @Option(
            names = "--port",
            defaultValue = "8080",
            description = "gateway port on 127.0.0.1 (default 8080; 0 = any free port)")
    int port;

    @Option(
            names = "--data",
            defaultValue = "patgate-demo",
            paramLabel = "DIR",
            description = "where the demo keeps its data (default ./patgate-demo)")
    Path data;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--port must be 0..65535");
        }
        Path dir = data.toAbsolutePath().normalize();
        try (EchoUpstream upstream = EchoUpstream.start()) {
            Map<String, String> env = new HashMap<>();
            env.put("PATGATE_LISTEN_HOST", "127.0.0.1");
            env.put("PATGATE_LISTEN_PORT", Integer.toString(port));
            env.put("PATGATE_UPSTREAM_URL", upstream.url());
            env.put("PATGATE_DATABASE_URL", "jdbc:h2:file:" + dir.resolve("patgate"));
            env.put("PATGATE_TOKENS_PEPPERFILE", dir.resolve("pepper").toString());
            PatgateConfig config = PatgateConfig.load(null, env);
            try (PatgateServer server = startOnPort(config)) {
                DemoCredentials demo =
                        DemoSetup.prepare(server, config.bootstrap().adminUsername());
                printWelcome(spec.commandLine().getOut(), server.baseUri().toString(), upstream.url(), dir, demo);
                Runtime.getRuntime().addShutdownHook(new Thread(server::close, "patgate-demo-shutdown"));
                server.join();
            }
        }
        return 0;
    }

    /** Starts the demo node; a busy port is reported with this command's own option. */
    private static PatgateServer startOnPort(PatgateConfig config) {
        try {
            return PatgateServer.start(config, message -> {});
        } catch (PortInUseException e) {
            throw new PatgateException(
                    "port " + e.port() + " is already in use; choose another with --port"
                            + " (--port 0 picks a free one)",
                    e);
        }
    }

    static void printWelcome(PrintWriter out, String gateway, String upstream, Path dir, DemoCredentials demo) {
        String ro = demo.readOnly().secret();
        String rw = demo.readWrite().secret();
        String rwId = demo.readWrite().token().id();
        String alice = "alice:" + demo.alicePassword();
        out.printf("""

                PATgate demo is running.

                  Gateway:   %1$s   (REST paths /rest/** need a token)
                  Upstream:  %2$s   (a demo echo server: it shows what it receives)
                  Data:      %3$s

                Users (new passwords on every run):
                  admin / %4$s   (administrator)
                  alice / %5$s

                Tokens for alice (each shown once):
                  read-only:  %6$s
                  read-write: %7$s

                Try this:
                  # 1. Read with the read-only token; the upstream sees alice, never the token:
                  curl -s -H 'Authorization: Bearer %6$s' %1$s/rest/api/2/issue/DEMO-1

                  # 2. The read-only token may not write (403):
                  curl -s -X POST -H 'Authorization: Bearer %6$s' %1$s/rest/api/2/issue

                  # 3. The read-write token may:
                  curl -s -X POST -H 'Authorization: Bearer %7$s' -H 'Content-Type: application/json' -d '{"fields":{}}' %1$s/rest/api/2/issue

                  # 4. Passwords are refused on the REST API (401):
                  curl -s -u '%8$s' %1$s/rest/api/2/myself

                  # 5. Revoke the read-write token, then run step 3 again (401):
                  curl -s -X DELETE -u '%8$s' %1$s/.patgate/api/v1/tokens/%9$s

                  # 6. See alice's tokens, and (as admin) the audit trail:
                  curl -s -u '%8$s' %1$s/.patgate/api/v1/tokens
                  curl -s -u 'admin:%4$s' '%1$s/.patgate/api/v1/audit?actor=alice'

                Press Ctrl+C to stop.
                """, gateway, upstream, dir, demo.adminPassword(), demo.alicePassword(), ro, rw, alice, rwId);
        out.flush();
    }
}
