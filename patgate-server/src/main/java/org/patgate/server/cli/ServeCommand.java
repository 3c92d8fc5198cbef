package org.patgate.server.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.patgate.server.app.PatgateServer;
import org.patgate.server.config.PatgateConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code patgate serve --config patgate.yml}: the production start. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Start the gateway with a configuration file (env PATGATE_* overrides any key).")
final class ServeCommand implements Callable<Integer> {

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "YAML configuration file (default: env PATGATE_CONFIG, else built-in defaults)")
    Path config;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PatgateConfig effective = ConfigCommand.load(config, Main.env(spec));
        PatgateServer server = PatgateServer.start(effective, message -> System.out.println(message));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "patgate-shutdown"));
        System.out.println(
                "PATgate listening on " + server.baseUri() + " (health: " + server.baseUri() + "/.patgate/health)");
        server.join();
        return 0;
    }
}
