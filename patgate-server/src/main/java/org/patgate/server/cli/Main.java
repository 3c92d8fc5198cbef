package org.patgate.server.cli;

import java.io.PrintWriter;
import java.util.Map;
import org.patgate.core.PatgateException;
import org.patgate.server.app.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code patgate}: the one command-line entry point. Exit codes: 0 success, 1 failure, 2 usage
 * error. Failures print one line to stderr; stack traces only with {@code PATGATE_DEBUG=1}.
 */
@Command(
        name = "patgate",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = "PATgate: a personal access token gateway for REST APIs.",
        subcommands = {
            DemoCommand.class,
            ServeCommand.class,
            ConfigCommand.class,
            UserCommand.class,
            TokenCommand.class,
            LinkCommand.class,
            PermissionsCommand.class,
            PolicyCommand.class,
            NotificationsCommand.class,
            ApprovalsCommand.class,
            SettingsCommand.class,
            DirectoryCommand.class,
            AuditCommand.class,
            KeysCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The environment the command sees (the process's, or a test's). */
    final Map<String, String> env;

    Main(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line with the given environment and streams; returns the exit code. */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new Main(env));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + describe(e));
            if ("1".equals(env.get("PATGATE_DEBUG"))) {
                e.printStackTrace(cmd.getErr());
            }
            cmd.getErr().flush();
            return 1;
        });
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try 'patgate --help'");
    }

    /** The environment of the command line that {@code spec} belongs to. */
    static Map<String, String> env(CommandLine.Model.CommandSpec spec) {
        return ((Main) spec.root().userObject()).env;
    }

    private static String describe(Exception e) {
        if (e instanceof PatgateException) {
            return e.getMessage();
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    /** Prints the version from the build. */
    public static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"PATgate " + Version.get(), "Java " + Runtime.version()};
        }
    }
}
