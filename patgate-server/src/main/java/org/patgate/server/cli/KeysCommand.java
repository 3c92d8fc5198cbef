package org.patgate.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.store.Database;
import org.patgate.server.upstream.CredentialKeyRotation;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code patgate keys rotate --config patgate.yml}: a local command, run on a node's machine with
 * its configuration; it opens the database itself and talks to no server.
 */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = "Manage the keys that encrypt the stored upstream credentials (upstream.credentialKeyFile).",
        subcommands = {KeysCommand.Rotate.class})
final class KeysCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: rotate");
    }

    @Command(
            name = "rotate",
            mixinStandardHelpOptions = true,
            description = "Add a new current key to upstream.credentialKeyFile, re-encrypt every stored upstream"
                    + " credential under it in one transaction, then drop the keys no longer used. Give every"
                    + " node the new file afterwards.")
    static final class Rotate implements Callable<Integer> {
        @Option(
                names = {"-c", "--config"},
                paramLabel = "FILE",
                description = "YAML configuration file (default: env PATGATE_CONFIG, else built-in defaults)")
        Path config;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PatgateConfig effective = ConfigCommand.load(config, Main.env(spec));
            CredentialKeyRotation.Result result;
            // The answer is one line; the store's and the audit's INFO lines on stdout would bury it.
            Logger logs = LoggerFactory.getLogger("org.patgate") instanceof Logger logback ? logback : null;
            Level level = logs == null ? null : logs.getLevel();
            if (logs != null) {
                logs.setLevel(Level.WARN);
            }
            try (Database database = Database.open(
                    effective.database().url(),
                    effective.database().username(),
                    effective.database().password(),
                    2,
                    effective.database().connectionTimeout())) {
                result = CredentialKeyRotation.of(database, effective.tokens().prefix())
                        .rotate(effective.upstream().credentialKeyFile());
            } finally {
                if (logs != null) {
                    logs.setLevel(level);
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("re-encrypted " + result.reencrypted() + " upstream credential(s) under the new key "
                    + result.newKeyId() + " in " + effective.upstream().credentialKeyFile()
                    + (result.droppedKeyIds().isEmpty()
                            ? ""
                            : "; dropped key(s) " + String.join(", ", result.droppedKeyIds())));
            out.flush();
            return 0;
        }
    }
}
