package org.patgate.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.PatgateConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code patgate config check|print}: validate a configuration, or print it with secrets masked. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Check or print the effective configuration.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Print.class})
final class ConfigCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: check or print");
    }

    /** Loads {@code file} (or env PATGATE_CONFIG) plus env overrides; fails naming every bad key. */
    static PatgateConfig load(Path file, Map<String, String> env) {
        Path path = file;
        String fromEnv = env.get("PATGATE_CONFIG");
        if (path == null && fromEnv != null && !fromEnv.isEmpty()) {
            path = Path.of(fromEnv);
        }
        if (path != null && !Files.isRegularFile(path)) {
            throw new ConfigException("configuration file not found: " + path);
        }
        return PatgateConfig.load(path, env);
    }

    @Command(name = "check", mixinStandardHelpOptions = true, description = "Validate the configuration and exit.")
    static final class Check implements Callable<Integer> {
        @Option(
                names = {"-c", "--config"},
                paramLabel = "FILE",
                description = "YAML configuration file")
        Path config;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            load(config, Main.env(spec));
            spec.commandLine().getOut().println("configuration OK" + (config == null ? "" : ": " + config));
            return 0;
        }
    }

    @Command(
            name = "print",
            mixinStandardHelpOptions = true,
            description = "Print the effective configuration (file + env + defaults), secrets masked.")
    static final class Print implements Callable<Integer> {
        @Option(
                names = {"-c", "--config"},
                paramLabel = "FILE",
                description = "YAML configuration file")
        Path config;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(load(config, Main.env(spec)).toMaskedYaml());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
