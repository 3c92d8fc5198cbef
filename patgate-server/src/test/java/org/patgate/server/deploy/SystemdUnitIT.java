package org.patgate.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/systemd as docs/cluster.md installs it. The page's install block runs as written, except that
 * every absolute path lands under a temporary root and the user is not created; systemd's own
 * {@code systemd-analyze verify} then checks the installed unit against that root (its ExecStart must
 * exist there), and the launcher installed by the block validates the installed configuration with the
 * secrets file filled in, as the page's next block does. Runs after packaging: it installs the jar.
 */
class SystemdUnitIT {

    private static final Path UNIT = PackagingDoc.DEPLOY.resolve("systemd/patgate.service");
    /** Where this host's systemd keeps its own units (the targets a service unit is ordered against). */
    private static final List<Path> SYSTEM_UNITS =
            List.of(Path.of("/usr/lib/systemd/system"), Path.of("/lib/systemd/system"));

    @TempDir
    Path root;

    @BeforeEach
    void needsSystemd() throws Exception {
        Assumptions.assumeTrue(
                run(Map.of(), "command -v systemd-analyze").exitCode() == 0, "systemd-analyze is not installed");
        Path units = SYSTEM_UNITS.stream()
                .filter(d -> Files.isRegularFile(d.resolve("multi-user.target")))
                .findFirst()
                .orElse(null);
        Assumptions.assumeTrue(units != null, "no systemd units on this host");
        copyTree(units, root.resolve("usr/lib/systemd/system"));
        Files.createDirectories(root.resolve("etc/systemd/system"));
    }

    @Test
    void theDocumentedInstallPassesSystemdAnalyzeVerify() throws Exception {
        Outcome install = run(
                Map.of("ROOT", root.toString()),
                underRoot(PackagingDoc.shellBlockWith("install -m 644 deploy/systemd/patgate.service")));

        assertThat(install.exitCode()).as(install.output()).isZero();
        assertThat(install.output())
                .as("what systemd-analyze verify says of the unit")
                .isEmpty();
        assertThat(root.resolve("opt/patgate/bin/patgate")).isExecutable();
        assertThat(root.resolve("opt/patgate/lib/patgate.jar")).isRegularFile();
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(root.resolve("etc/patgate/patgate.env"))))
                .as("the secrets file's mode")
                .isEqualTo("rw-------");
    }

    @Test
    void systemdRatesTheInstalledUnitsExposureLow() throws Exception {
        Outcome install = run(
                Map.of("ROOT", root.toString()),
                underRoot(PackagingDoc.shellBlockWith("install -m 644 deploy/systemd/patgate.service")));
        assertThat(install.exitCode()).as(install.output()).isZero();

        Outcome security = run(
                Map.of("ROOT", root.toString()),
                "systemd-analyze security --offline=yes --no-pager --root=\"$ROOT\" patgate.service");

        Matcher exposure = Pattern.compile("Overall exposure level for patgate.service: (\\d+\\.\\d)")
                .matcher(security.output());
        assertThat(exposure.find()).as(security.output()).isTrue();
        // 10 is a service with no hardening at all; systemd calls below 4 "OK". A JVM needs writable and
        // executable memory and the network, so the last points cannot be had.
        assertThat(Double.parseDouble(exposure.group(1))).as(security.output()).isLessThanOrEqualTo(3.0);
    }

    @Test
    void verifyReportsAMisspelledDirective() throws Exception {
        Files.createDirectories(root.resolve("opt/patgate/bin"));
        Files.copy(PackagingDoc.REPOSITORY.resolve("bin/patgate"), root.resolve("opt/patgate/bin/patgate"));
        Path units = Files.createDirectories(root.resolve("etc/systemd/system"));
        Files.writeString(
                units.resolve("patgate.service"),
                PackagingDoc.read(UNIT).replace("ProtectSystem=strict", "ProtectSytem=strict"));

        Outcome verify = run(
                Map.of("ROOT", root.toString()), "systemd-analyze verify --man=no --root=\"$ROOT\" patgate.service");

        assertThat(verify.output())
                .as("a typo in a hardening directive is not silently ignored")
                .contains("ProtectSytem");
    }

    @Test
    void theUnitRunsTheServerHardenedAndRestartsIt() {
        Map<String, List<String>> service = directives(PackagingDoc.read(UNIT));

        assertThat(service.get("ExecStart"))
                .containsExactly("/opt/patgate/bin/patgate serve --config /etc/patgate/patgate.yml");
        assertThat(service.get("User")).containsExactly("patgate");
        assertThat(service.get("NoNewPrivileges")).containsExactly("yes");
        assertThat(service.get("ProtectSystem")).containsExactly("strict");
        assertThat(service.get("PrivateTmp")).containsExactly("yes");
        assertThat(service.get("ReadWritePaths")).containsExactly("/var/lib/patgate");
        assertThat(service.get("WorkingDirectory")).containsExactly("/var/lib/patgate");
        assertThat(service.get("LimitNOFILE")).containsExactly("65536");
        assertThat(service.get("Restart")).containsExactly("on-failure");
        assertThat(service.get("TimeoutStopSec")).containsExactly("30s");
        assertThat(service.get("SuccessExitStatus"))
                .as("the JVM's exit after SIGTERM is a clean stop")
                .containsExactly("143");
        assertThat(service.get("EnvironmentFile")).containsExactly("/etc/patgate/patgate.env");
        assertThat(service.get("Environment"))
                .as("no secret is set in the unit, which every user may read")
                .noneMatch(e -> e.matches("(?i)PATGATE_[A-Z_]*(PASSWORD|PEPPER|TOKEN)=.*"));
    }

    @Test
    void theInstalledLauncherAcceptsTheInstalledConfigurationOnceTheSecretsAreFilledIn() throws Exception {
        Outcome install = run(
                Map.of("ROOT", root.toString()),
                underRoot(PackagingDoc.shellBlockWith("install -m 644 deploy/systemd/patgate.service")));
        assertThat(install.exitCode()).as(install.output()).isZero();
        Path secrets = root.resolve("etc/patgate/patgate.env");
        String placeholders = Files.readString(secrets);
        assertThat(placeholders).contains("PATGATE_TOKENS_PEPPER=REPLACE");
        Files.writeString(secrets, fillIn(placeholders));

        String check = PackagingDoc.shellBlockWith("config check")
                .lines()
                .filter(l -> l.contains("config check"))
                .findFirst()
                .orElseThrow();
        Outcome checked = run(Map.of("ROOT", root.toString()), paths(check));

        assertThat(checked.exitCode()).as(checked.output()).isZero();
        assertThat(checked.output()).contains("configuration OK");
        assertThat(checked.output()).doesNotContain(secretsOf(Files.readString(secrets)));
    }

    @Test
    void theSecretsFileWithItsPlaceholdersIsRefusedNamingTheKey() throws Exception {
        Outcome install = run(
                Map.of("ROOT", root.toString()),
                underRoot(PackagingDoc.shellBlockWith("install -m 644 deploy/systemd/patgate.service")));
        assertThat(install.exitCode()).as(install.output()).isZero();

        Outcome checked = run(
                Map.of("ROOT", root.toString()),
                paths(
                        "(set -a; . /etc/patgate/patgate.env; /opt/patgate/bin/patgate config check --config /etc/patgate/patgate.yml)"));

        assertThat(checked.exitCode()).isNotZero();
        assertThat(checked.output()).contains("tokens.pepper");
    }

    /** The install block with the user's creation left out and every absolute path under $ROOT. */
    private static String underRoot(String block) {
        return block.lines()
                .filter(l -> !l.startsWith("useradd "))
                .map(l -> l.replace("systemd-analyze verify ", "systemd-analyze verify --man=no --root=\"$ROOT\" "))
                .map(SystemdUnitIT::paths)
                .collect(Collectors.joining("\n"));
    }

    private static String paths(String line) {
        return line.replaceAll("(?<=[ (=])/(opt|etc)/", "\"\\$ROOT\"/$1/");
    }

    /** Every REPLACE placeholder given a value that the configuration accepts. */
    private static String fillIn(String env) {
        String pepper = Base64.getEncoder()
                .encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        return env.lines()
                .map(l -> l.startsWith("PATGATE_TOKENS_PEPPER=")
                        ? "PATGATE_TOKENS_PEPPER=" + pepper
                        : l.replaceAll("=REPLACE.*", "=secret-value-" + l.length()))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static String[] secretsOf(String env) {
        return env.lines()
                .filter(l -> l.startsWith("PATGATE_"))
                .map(l -> l.substring(l.indexOf('=') + 1))
                .toArray(String[]::new);
    }

    private static Map<String, List<String>> directives(String unit) {
        return unit.lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith("[") && l.contains("="))
                .collect(Collectors.groupingBy(
                        l -> l.substring(0, l.indexOf('=')),
                        Collectors.mapping(l -> l.substring(l.indexOf('=') + 1), Collectors.toList())));
    }

    private record Outcome(int exitCode, String output) {}

    private static Outcome run(Map<String, String> env, String script) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
                .directory(PackagingDoc.REPOSITORY.toFile())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("PATGATE_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running after 60 s: " + script);
        }
        return new Outcome(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isSymbolicLink(file)) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                } else if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
