package org.patgate.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatgateConfigLoadTest {

    private static final String PEPPER = Base64.getEncoder()
            .encodeToString("0123456789abcdef0123456789abcdef-pepper".getBytes(StandardCharsets.US_ASCII));

    @TempDir
    Path directory;

    @Test
    void defaultsAreTheDocumentedValues() {
        PatgateConfig config = PatgateConfig.defaults();

        assertThat(config.listen()).isEqualTo(new ListenConfig("127.0.0.1", 8080));
        assertThat(config.upstream())
                .isEqualTo(new UpstreamConfig(
                        URI.create("http://127.0.0.1:9000"), Duration.ofSeconds(5), Duration.ofSeconds(60)));
        assertThat(config.database())
                .isEqualTo(new DatabaseConfig("jdbc:h2:file:./data/patgate", "", "", 10, Duration.ofSeconds(10)));
        assertThat(config.rest())
                .isEqualTo(new RestConfig(
                        List.of("/rest/**"),
                        RestConfig.PasswordAuth.BLOCK,
                        List.of(
                                "/rest/api/2/search",
                                "/rest/api/2/search/jql",
                                "/rest/api/3/search",
                                "/rest/api/3/search/jql")));
        assertThat(config.identity()).isEqualTo(new IdentityConfig(IdentityConfig.Mode.HEADER, "X-Forwarded-User"));
        assertThat(config.trustedProxies()).isEmpty();
        assertThat(config.bootstrap()).isEqualTo(new BootstrapConfig("admin", ""));
        assertThat(config.tokens())
                .isEqualTo(new TokensConfig(
                        "pat_", "", Path.of("./data/pepper"), Duration.ofSeconds(30), Duration.ofSeconds(5), 0));
        assertThat(config.admin()).isEqualTo(new AdminConfig("patgate-admins"));
        assertThat(config.api()).isEqualTo(new ApiConfig(65536));
        assertThat(PatgateConfig.load(null, Map.of())).isEqualTo(config);
    }

    @Test
    void upstreamTokenModeIsReadInEitherSpellingWithItsNativeTokenLifetime() throws IOException {
        for (String mode : List.of("upstream-token", "upstream_token", " Upstream-Token ")) {
            PatgateConfig config = PatgateConfig.load(
                    write("upstream:\n  product: jira\nidentity:\n  mode: \"" + mode + "\"\n"
                            + "  nativeTokenLifetime: 30d\n"),
                    Map.of());
            assertThat(config.identity().mode()).isEqualTo(IdentityConfig.Mode.UPSTREAM_TOKEN);
            assertThat(config.identity().nativeTokenLifetime()).isEqualTo(Duration.ofDays(30));
        }
        PatgateConfig fromEnv = PatgateConfig.load(
                null, Map.of("PATGATE_UPSTREAM_PRODUCT", "confluence", "PATGATE_IDENTITY_MODE", "upstream-token"));
        assertThat(fromEnv.identity().mode()).isEqualTo(IdentityConfig.Mode.UPSTREAM_TOKEN);
        assertThat(fromEnv.identity().nativeTokenLifetime()).isEqualTo(Duration.ofDays(90));
    }

    @Test
    void emptyFileAndEmptySectionsMeanDefaults() throws IOException {
        assertThat(PatgateConfig.load(write(""), Map.of())).isEqualTo(PatgateConfig.defaults());
        assertThat(PatgateConfig.load(write("listen:\ntokens: ~\n"), Map.of())).isEqualTo(PatgateConfig.defaults());
    }

    @Test
    void fullFileIsParsedIntoEveryRecord() throws IOException {
        Path file = write("""
                listen: { host: 0.0.0.0, port: 8443 }
                upstream:
                  url: "https://jira.example.com/jira"
                  connectTimeout: 500ms
                  readTimeout: PT2M
                database:
                  url: "jdbc:postgresql://db.example.com:5432/patgate"
                  username: patgate
                  password: 0123
                  maxPoolSize: 20
                rest:
                  paths: ["/rest/**", "/api/*/v1/**"]
                  passwordAuth: allow
                  readOnlyPosts: ["/rest/api/2/search"]
                identity: { mode: jwt, header: X-Patgate-Jwt }
                trustedProxies: ["10.0.0.0/8", "192.168.1.10", "2001:db8::/32", "2001:db8:1::1"]
                bootstrap: { adminUsername: root, adminPassword: no }
                tokens:
                  prefix: acme_
                  pepper: "%s"
                  pepperFile: /var/lib/patgate/pepper
                  cacheTtl: 1m
                  negativeCacheTtl: 0s
                  maxLifetimeDays: 365
                admin: { group: jira-administrators }
                api: { maxBodyBytes: 1048576 }
                """.formatted(PEPPER));

        PatgateConfig config = PatgateConfig.load(file, Map.of());

        assertThat(config)
                .isEqualTo(new PatgateConfig(
                        new ListenConfig("0.0.0.0", 8443),
                        new UpstreamConfig(
                                URI.create("https://jira.example.com/jira"),
                                Duration.ofMillis(500),
                                Duration.ofMinutes(2)),
                        // YAML would read 0123 as octal 83 and no as false; string keys keep the text as written.
                        new DatabaseConfig(
                                "jdbc:postgresql://db.example.com:5432/patgate",
                                "patgate",
                                "0123",
                                20,
                                Duration.ofSeconds(10)),
                        new RestConfig(
                                List.of("/rest/**", "/api/*/v1/**"),
                                RestConfig.PasswordAuth.ALLOW,
                                List.of("/rest/api/2/search")),
                        new IdentityConfig(IdentityConfig.Mode.JWT, "X-Patgate-Jwt"),
                        List.of("10.0.0.0/8", "192.168.1.10", "2001:db8::/32", "2001:db8:1::1"),
                        new BootstrapConfig("root", "no"),
                        new TokensConfig(
                                "acme_",
                                PEPPER,
                                Path.of("/var/lib/patgate/pepper"),
                                Duration.ofMinutes(1),
                                Duration.ZERO,
                                365),
                        new AdminConfig("jira-administrators"),
                        new ApiConfig(1048576)));
    }

    @Test
    void environmentOverridesTheFileIncludingLists() throws IOException {
        Path file = write("""
                listen: { port: 9090 }
                rest: { paths: ["/rest/**"], passwordAuth: allow }
                trustedProxies: ["10.0.0.0/8"]
                tokens: { pepperFile: /etc/patgate/pepper }
                """);

        PatgateConfig config = PatgateConfig.load(
                file,
                Map.of(
                        "PATGATE_LISTEN_PORT", "9191",
                        "PATGATE_REST_PATHS", " /rest/** , /api/** ,",
                        "PATGATE_REST_PASSWORDAUTH", "block",
                        "PATGATE_TRUSTEDPROXIES", "",
                        "PATGATE_BOOTSTRAP_ADMINPASSWORD", "s3cret",
                        "PATGATE_TOKENS_PEPPERFILE", "/run/secrets/pepper",
                        "PATGATE_UPSTREAM_URL", "http://127.0.0.1:9999",
                        "PATGATE_DATABASE_CONNECTIONTIMEOUT", "1500ms"));

        assertThat(config.listen().port()).isEqualTo(9191);
        assertThat(config.rest().paths()).containsExactly("/rest/**", "/api/**");
        assertThat(config.rest().passwordAuth()).isEqualTo(RestConfig.PasswordAuth.BLOCK);
        assertThat(config.trustedProxies()).isEmpty();
        assertThat(config.bootstrap().adminPassword()).isEqualTo("s3cret");
        assertThat(config.tokens().pepperFile()).isEqualTo(Path.of("/run/secrets/pepper"));
        assertThat(config.upstream().url()).isEqualTo(URI.create("http://127.0.0.1:9999"));
        assertThat(config.database().connectionTimeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void fileValueStaysWhenNoEnvironmentVariableOverridesIt() throws IOException {
        Path file = write("listen: { port: 9090 }\ntrustedProxies: [\"10.0.0.0/8\"]\n");

        PatgateConfig config = PatgateConfig.load(file, Map.of("PATGATE_LISTEN_HOST", "::1"));

        assertThat(config.listen()).isEqualTo(new ListenConfig("::1", 9090));
        assertThat(config.trustedProxies()).containsExactly("10.0.0.0/8");
    }

    @Test
    void launcherAndForeignVariablesAreIgnored() {
        Map<String, String> env = Map.of(
                "PATGATE_JAVA_OPTS",
                "-Xmx1g",
                "PATGATE_HEAP",
                "512m",
                "PATGATE_CONFIG",
                "/etc/patgate.yml",
                "PATGATE_URL",
                "http://x",
                "PATGATE_USER",
                "admin",
                "PATGATE_PASSWORD",
                "pw",
                "PATH",
                "/usr/bin",
                "patgate_listen_prot",
                "lower case is not ours");

        assertThat(PatgateConfig.load(null, env)).isEqualTo(PatgateConfig.defaults());
        assertThat(PatgateConfig.LAUNCHER_ENV).contains("PATGATE_JAVA_OPTS", "PATGATE_PASSWORD", "PATGATE_CONFIG");
    }

    @Test
    void maskedYamlNeverContainsSecrets() {
        PatgateConfig config = PatgateConfig.load(
                null,
                Map.of(
                        "PATGATE_DATABASE_URL", "jdbc:h2:file:./data/x;USER=sa;PASSWORD=url-secret-3",
                        "PATGATE_DATABASE_PASSWORD", "db-secret-1",
                        "PATGATE_BOOTSTRAP_ADMINPASSWORD", "boot-secret-2",
                        "PATGATE_TOKENS_PEPPER", PEPPER));

        String yaml = config.toMaskedYaml();

        assertThat(yaml)
                .doesNotContain("db-secret-1", "boot-secret-2", "url-secret-3", PEPPER)
                .contains("password: \"******\"", "adminPassword: \"******\"", "pepper: \"******\"", "PASSWORD=******");
        assertThat(config.toString()).doesNotContain("db-secret-1", "boot-secret-2", "url-secret-3", PEPPER);
    }

    @Test
    void maskedYamlShowsUnsetSecretsAsEmpty() {
        String yaml = PatgateConfig.defaults().toMaskedYaml();

        assertThat(yaml)
                .contains("password: \"\"", "adminPassword: \"\"", "pepper: \"\"")
                .doesNotContain("******");
    }

    @Test
    void printedConfigurationWithoutSecretsLoadsBackEqual() throws IOException {
        PatgateConfig config = PatgateConfig.load(
                null,
                Map.of(
                        "PATGATE_LISTEN_PORT", "0",
                        "PATGATE_UPSTREAM_READTIMEOUT", "1500ms",
                        "PATGATE_REST_READONLYPOSTS", "",
                        "PATGATE_TRUSTEDPROXIES", "10.0.0.0/8,::1",
                        "PATGATE_ADMIN_GROUP", "no",
                        "PATGATE_TOKENS_NEGATIVECACHETTL", "PT0.000001S"));

        PatgateConfig reloaded = PatgateConfig.load(write(config.toMaskedYaml()), Map.of());

        assertThat(reloaded).isEqualTo(config);
        assertThat(PatgateConfig.load(write(PatgateConfig.defaults().toMaskedYaml()), Map.of()))
                .isEqualTo(PatgateConfig.defaults());
    }

    @Test
    void nullPepperIsReadAsEmpty() {
        TokensConfig tokens = new TokensConfig("pat_", null, Path.of("p"), Duration.ZERO, Duration.ZERO, 0);

        assertThat(tokens.pepper()).isEmpty();
    }

    @Test
    void listsAreImmutable() {
        PatgateConfig config = PatgateConfig.load(null, Map.of("PATGATE_TRUSTEDPROXIES", "10.0.0.0/8"));

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> config.trustedProxies().add("0.0.0.0/0"))
                .isInstanceOf(UnsupportedOperationException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> config.rest().paths().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(Files.createTempFile(directory, "patgate", ".yml"), yaml);
    }
}
