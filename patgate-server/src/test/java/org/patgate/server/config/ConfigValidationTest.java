package org.patgate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigValidationTest {

    @TempDir
    Path directory;

    static Stream<Arguments> invalidYaml() {
        return Stream.of(
                // listen
                Arguments.of(
                        "listen:\n  port: 70000", "listen.port: must be 0..65535 (0 picks a free port), got 70000"),
                Arguments.of("listen:\n  port: \"abc\"", "listen.port: must be an integer, got 'abc'"),
                Arguments.of("listen:\n  port: -1", "listen.port: must be 0..65535 (0 picks a free port), got -1"),
                Arguments.of("listen:\n  eventLoops: -1", "listen.eventLoops: must be 0..256, got -1"),
                Arguments.of("listen:\n  eventLoops: 257", "listen.eventLoops: must be 0..256, got 257"),
                Arguments.of("listen:\n  eventLoops: two", "listen.eventLoops: must be an integer, got 'two'"),
                Arguments.of("listen:\n  port: 0x1F90", "listen.port: must be an integer, got '0x1F90'"),
                Arguments.of("listen:\n  port: 8080.5", "listen.port: must be an integer, got '8080.5'"),
                Arguments.of(
                        "listen:\n  port: 99999999999",
                        "listen.port: must be 0..65535 (0 picks a free port), got 99999999999"),
                Arguments.of("listen:\n  port: [1, 2]", "listen.port: must be a single value, got a list"),
                Arguments.of(
                        "listen:\n  host: \"my host\"",
                        "listen.host: must be an IP address or host name, got 'my host'"),
                Arguments.of(
                        "listen:\n  host: \"1::2::3\"",
                        "listen.host: must be a valid IPv6 address ('::' may appear once)"),
                Arguments.of("listen:\n  prot: 8080", "unknown key 'listen.prot' (did you mean 'listen.port'?)"),
                Arguments.of("lisen:\n  port: 8080", "unknown key 'lisen'"),
                Arguments.of("listen: 8080", "listen: must be a mapping of keys, got a single value"),
                Arguments.of("listen:\n  port:\n    value: 1", "listen.port: must be a single value, got a mapping"),
                // activity: usage analytics
                Arguments.of(
                        "activity:\n  usageRetention: 12h",
                        "activity.usageRetention: must be between 1 day and 3650 days"),
                Arguments.of("activity:\n  usageKeys: 5", "activity.usageKeys: must be 10..1000000, got 5"),
                Arguments.of("activity:\n  usagePathDepth: 0", "activity.usagePathDepth: must be 1..20, got 0"),
                // upstream
                Arguments.of(
                        "upstream:\n  url: ftp://x", "upstream.url: must be an absolute http(s) URL, got 'ftp://x'"),
                Arguments.of(
                        "upstream:\n  url: /relative",
                        "upstream.url: must be an absolute http(s) URL, got '/relative'"),
                Arguments.of("upstream:\n  url: \"http://exa mple\"", "upstream.url: must be an absolute http(s) URL"),
                Arguments.of(
                        "upstream:\n  url: http://host:9000/?debug=1",
                        "upstream.url: must not have a query or fragment"),
                Arguments.of(
                        "upstream:\n  connectTimeout: -5s", "upstream.connectTimeout: must not be negative, got '-5s'"),
                Arguments.of("upstream:\n  connectTimeout: 0s", "upstream.connectTimeout: must be positive, got '0s'"),
                Arguments.of(
                        "upstream:\n  readTimeout: 5",
                        "upstream.readTimeout: must be a duration like 500ms, 5s, 2m, 1h, 30d or PT5S, got 5"),
                Arguments.of("upstream:\n  readTimeout: 5 minutes", "upstream.readTimeout: must be a duration like"),
                Arguments.of("upstream:\n  readTimeout: PT-1S", "upstream.readTimeout: must be positive, got 'PT-1S'"),
                // database
                Arguments.of(
                        "database:\n  url: jdbc:mysql://db/x",
                        "database.url: must start with jdbc:h2: or jdbc:postgresql:, got 'jdbc:mysql://db/x'"),
                Arguments.of("database:\n  maxPoolSize: 0", "database.maxPoolSize: must be 1..1000, got 0"),
                Arguments.of("database:\n  maxPoolSize: ten", "database.maxPoolSize: must be an integer, got 'ten'"),
                Arguments.of(
                        "database:\n  connectionTimeout: 100ms",
                        "database.connectionTimeout: must be between 250ms and 60s, got '100ms'"),
                Arguments.of(
                        "database:\n  connectionTimeout: 2m",
                        "database.connectionTimeout: must be between 250ms and 60s, got '2m'"),
                Arguments.of(
                        "database:\n  connectionTimeout: 5",
                        "database.connectionTimeout: must be a duration like 500ms, 5s, 2m, 1h, 30d or PT5S, got 5"),
                Arguments.of(
                        "database:\n  username: \"a\\u0000b\"",
                        "database.username: must not contain control characters, got 'a\\u0000b'"),
                // rest
                Arguments.of("rest:\n  passwordAuth: maybe", "rest.passwordAuth: must be block or allow, got 'maybe'"),
                Arguments.of("rest:\n  passwordAuth: no", "rest.passwordAuth: must be block or allow, got 'no'"),
                Arguments.of("rest:\n  paths: []", "rest.paths: must list at least one path pattern"),
                Arguments.of(
                        "rest:\n  paths: \"/rest/**\"",
                        "rest.paths: must be a list like [\"a\", \"b\"], got '/rest/**'"),
                Arguments.of("rest:\n  paths: [\"rest/**\"]", "rest.paths[0]: must start with '/', got 'rest/**'"),
                Arguments.of(
                        "rest:\n  paths: [\"/rest/**/x\"]", "rest.paths[0]: may use '**' only as the last segment"),
                Arguments.of("rest:\n  paths: [\"/rest/a*\"]", "rest.paths[0]: may use '*' only as a whole segment"),
                Arguments.of(
                        "rest:\n  paths: [\"/rest/../admin\"]", "rest.paths[0]: must not contain '.' or '..' segments"),
                Arguments.of(
                        "rest:\n  paths: [\"/rest//x\"]",
                        "rest.paths[0]: must not contain empty segments or end with '/'"),
                Arguments.of("rest:\n  paths: [\"/rest/%2e\"]", "rest.paths[0]: must not contain '%'"),
                Arguments.of("rest:\n  paths: [\"/rest/**\", ~]", "rest.paths[1]: must be a single value, got nothing"),
                Arguments.of(
                        "rest:\n  readOnlyPosts: [\"/ok\", \"bad\"]",
                        "rest.readOnlyPosts[1]: must start with '/', got 'bad'"),
                // identity
                Arguments.of(
                        "identity:\n  mode: ldap",
                        "identity.mode: must be header, jwt, none or upstream-token, got 'ldap'"),
                Arguments.of(
                        "identity:\n  mode: upstream-token",
                        "identity.mode: upstream-token needs upstream.product jira, confluence or bitbucket"
                                + " (a product with native tokens to swap in)"),
                Arguments.of(
                        "upstream:\n  product: generic\nidentity:\n  mode: UPSTREAM_TOKEN",
                        "identity.mode: upstream-token needs upstream.product jira, confluence or bitbucket"
                                + " (a product with native tokens to swap in)"),
                Arguments.of(
                        "upstream:\n  product: jira\nidentity:\n  mode: upstream-token\n  nativeTokenLifetime: 0s",
                        "identity.nativeTokenLifetime: must be positive"),
                Arguments.of(
                        "identity:\n  header: \"X User\"",
                        "identity.header: must be a valid HTTP header name (RFC 9110 token), got 'X User'"),
                Arguments.of(
                        "identity:\n  header: Authorization",
                        "identity.header: must not be a header the gateway itself relies on"),
                // trustedProxies
                Arguments.of(
                        "trustedProxies: [\"10.0.0.0/33\"]",
                        "trustedProxies[0]: prefix length must be 0..32 for IPv4, got '10.0.0.0/33'"),
                Arguments.of(
                        "trustedProxies: [\"2001:db8::/129\"]",
                        "trustedProxies[0]: prefix length must be 0..128 for IPv6"),
                Arguments.of(
                        "trustedProxies: [\"10.0.0.0/\"]", "trustedProxies[0]: prefix length must be 0..32 for IPv4"),
                Arguments.of(
                        "trustedProxies: [\"proxy.example.com\"]",
                        "trustedProxies[0]: must be an IP address or CIDR range, not a host name"),
                Arguments.of("trustedProxies: [\"10.0.0.1/8\"]", "trustedProxies[0]: has bits set after the /8 prefix"),
                Arguments.of(
                        "trustedProxies: [\"256.0.0.1\"]",
                        "trustedProxies[0]: must be an IPv4 address with parts 0..255 and no leading zeros"),
                Arguments.of(
                        "trustedProxies: [\"010.0.0.1\"]",
                        "trustedProxies[0]: must be an IPv4 address with parts 0..255 and no leading zeros"),
                Arguments.of(
                        "trustedProxies: [\"10.0.0\"]", "trustedProxies[0]: must be an IPv4 address with four parts"),
                Arguments.of("trustedProxies: [\"fe80::1%eth0\"]", "trustedProxies[0]: must be a valid IPv6 address"),
                Arguments.of("trustedProxies: [\"[::1]\"]", "trustedProxies[0]: must be a valid IPv6 address"),
                Arguments.of(
                        "trustedProxies: [\"1:2:3:4:5:6:7\"]",
                        "trustedProxies[0]: must be a valid IPv6 address (wrong number of groups)"),
                Arguments.of("trustedProxies: 10.0.0.0/8", "trustedProxies: must be a list"),
                // bootstrap, tokens, admin, api
                Arguments.of("bootstrap:\n  adminUsername: \"\"", "bootstrap.adminUsername: must be 1..255 characters"),
                Arguments.of(
                        "bootstrap:\n  adminUsername: \"ad min\"",
                        "bootstrap.adminUsername: must not contain whitespace"),
                Arguments.of(
                        "tokens:\n  prefix: PAT_",
                        "tokens.prefix: must be 2..16 characters: [a-z0-9]+ followed by '_', got 'PAT_'"),
                Arguments.of("tokens:\n  prefix: pat", "tokens.prefix: must be 2..16 characters"),
                Arguments.of("tokens:\n  prefix: _", "tokens.prefix: must be 2..16 characters"),
                Arguments.of("tokens:\n  prefix: abcdefghijklmnop_", "tokens.prefix: must be 2..16 characters"),
                Arguments.of("tokens:\n  pepperFile: \"\"", "tokens.pepperFile: must not be empty"),
                Arguments.of("tokens:\n  cacheTtl: -1s", "tokens.cacheTtl: must not be negative"),
                Arguments.of("tokens:\n  negativeCacheTtl: 5 s", "tokens.negativeCacheTtl: must be a duration like"),
                Arguments.of("tokens:\n  maxLifetimeDays: -1", "tokens.maxLifetimeDays: must be 0..36500, got -1"),
                Arguments.of("admin:\n  group: \"\"", "admin.group: must be 1..255 characters"),
                Arguments.of("api:\n  maxBodyBytes: 100", "api.maxBodyBytes: must be 1024..10485760, got 100"),
                Arguments.of(
                        "api:\n  maxBodyBytes: 20000000", "api.maxBodyBytes: must be 1024..10485760, got 20000000"),
                // metrics
                Arguments.of("metrics:\n  enabled: maybe", "metrics.enabled: must be true or false"),
                Arguments.of("metrics:\n  allowedIps: [10.0.0.0/33]", "metrics.allowedIps[0]: prefix length"),
                Arguments.of(
                        "metrics:\n  token: short-token",
                        "metrics.token: must be empty or at least 16 characters long"),
                Arguments.of(
                        "metrics:\n  token: \"with a space in the value\"",
                        "metrics.token: must be visible ASCII characters without spaces"),
                // cluster
                Arguments.of(
                        "cluster:\n  nodeId: \"node one\"",
                        "cluster.nodeId: may only hold letters, digits, '-', '_', '.' and ':'"),
                Arguments.of(
                        "cluster:\n  nodeId: " + "n".repeat(201),
                        "cluster.nodeId: must be at most 200 characters long"),
                Arguments.of(
                        "cluster:\n  heartbeatInterval: 500ms",
                        "cluster.heartbeatInterval: must be between 1s and 10m"),
                Arguments.of(
                        "cluster:\n  heartbeatInterval: 1h", "cluster.heartbeatInterval: must be between 1s and 10m"),
                Arguments.of("cluster:\n  databaseGrace: 0s", "cluster.databaseGrace: must be between 1s and 1h"),
                Arguments.of("cluster:\n  databaseGrace: soon", "cluster.databaseGrace: must be a duration like"),
                // document structure
                Arguments.of("listen:\n  port: 1\n  port: 2", "not valid YAML: Duplicate field 'port'"),
                Arguments.of("listen: &l\n  port: 1\nupstream: *l", "YAML aliases (*l) are not supported"),
                Arguments.of("- a\n- b", "must be a mapping of keys like 'listen:' at the top level"),
                Arguments.of("listen: {port: 1}\n---\nlisten: {port: 2}", "must hold exactly one YAML document"),
                Arguments.of("\"listen.port\": 1", "unknown key 'listen.port'"),
                Arguments.of("listen: [", "not valid YAML"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("invalidYaml")
    void invalidValueIsRefusedWithItsKeyAndReason(String yaml, String expectedProblem) throws IOException {
        Path file = write(yaml);

        ConfigException refused = catchThrowableOfType(ConfigException.class, () -> PatgateConfig.load(file, Map.of()));

        assertThat(refused).as("loading %s", yaml).isNotNull();
        assertThat(refused.problems()).anySatisfy(problem -> assertThat(problem).contains(expectedProblem));
    }

    @Test
    void problemNamesTheFileAndLine() throws IOException {
        Path file = write("listen:\n  host: 127.0.0.1\n  port: 70000\n");

        assertThatThrownBy(() -> PatgateConfig.load(file, Map.of()))
                .hasMessage("listen.port: must be 0..65535 (0 picks a free port), got 70000 (" + file + " line 3)");
    }

    static Stream<Arguments> invalidEnvironment() {
        return Stream.of(
                Arguments.of(
                        Map.of("PATGATE_LISTEN_PORT", "abc"),
                        "listen.port: must be an integer, got 'abc' (from PATGATE_LISTEN_PORT)"),
                Arguments.of(
                        Map.of("PATGATE_LISTEN_PROT", "8080"),
                        "unknown environment variable PATGATE_LISTEN_PROT (did you mean PATGATE_LISTEN_PORT?)"),
                Arguments.of(Map.of("PATGATE_NONSENSE", "1"), "unknown environment variable PATGATE_NONSENSE"),
                Arguments.of(
                        Map.of("PATGATE_REST_PASSWORD_AUTH", "allow"),
                        "unknown environment variable PATGATE_REST_PASSWORD_AUTH (did you mean PATGATE_REST_PASSWORDAUTH?)"),
                Arguments.of(
                        Map.of("PATGATE_TRUSTEDPROXIES", "10.0.0.0/8, 10.0.0.0/33"),
                        "trustedProxies[1]: prefix length must be 0..32 for IPv4, got '10.0.0.0/33' (from PATGATE_TRUSTEDPROXIES)"),
                Arguments.of(Map.of("PATGATE_REST_PATHS", ""), "rest.paths: must list at least one path pattern"),
                Arguments.of(
                        Map.of("PATGATE_IDENTITY_MODE", "LDAP"),
                        "identity.mode: must be header, jwt, none or upstream-token, got 'LDAP'"),
                Arguments.of(
                        Map.of("PATGATE_UPSTREAM_READTIMEOUT", "-1s"), "upstream.readTimeout: must not be negative"),
                Arguments.of(
                        Map.of("PATGATE_DATABASE_CONNECTIONTIMEOUT", "0s"),
                        "database.connectionTimeout: must be between 250ms and 60s, got '0s' (from PATGATE_DATABASE_CONNECTIONTIMEOUT)"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("invalidEnvironment")
    void invalidEnvironmentVariableIsRefusedWithItsKeyAndReason(Map<String, String> env, String expectedProblem) {
        assertThatThrownBy(() -> PatgateConfig.load(null, env))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(expectedProblem);
    }

    @Test
    void allProblemsAreReportedTogetherOnePerLine() throws IOException {
        Path file = write("""
                listen:
                  prot: 8080
                  port: 70000
                upstream:
                  url: ftp://x
                rest:
                  passwordAuth: maybe
                trustedProxies: ["10.0.0.0/33", "10.0.0.0/8"]
                """);

        ConfigException refused = catchThrowableOfType(
                ConfigException.class,
                () -> PatgateConfig.load(file, Map.of("PATGATE_API_MAXBODYBYTES", "1", "PATGATE_TYPO", "x")));

        assertThat(refused.problems()).hasSize(7);
        assertThat(refused.getMessage().lines()).hasSize(7);
        assertThat(refused.getMessage())
                .contains("unknown key 'listen.prot'")
                .contains("listen.port: must be 0..65535")
                .contains("upstream.url: must be an absolute http(s) URL, got 'ftp://x'")
                .contains("rest.passwordAuth: must be block or allow, got 'maybe'")
                .contains("trustedProxies[0]: prefix length must be 0..32")
                .contains("api.maxBodyBytes: must be 1024..10485760, got 1 (from PATGATE_API_MAXBODYBYTES)")
                .contains("unknown environment variable PATGATE_TYPO");
    }

    @Test
    void secretValuesAreNeverEchoedInProblems() throws IOException {
        Path file = write("""
                upstream:
                  url: "http://alice:upstream-secret@host/?q=1"
                database:
                  url: "jdbc:mysql://db/x?password=db-url-secret"
                tokens:
                  pepper: "c2hvcnQtc2VjcmV0"
                """);

        assertThatThrownBy(() -> PatgateConfig.load(file, Map.of("PATGATE_TOKENS_PEPPER", "env-pepper-secret")))
                .hasMessageContaining("tokens.pepper: must be")
                .hasMessageContaining("upstream.url:")
                .hasMessageContaining("database.url:")
                .message()
                .doesNotContain("upstream-secret", "db-url-secret", "c2hvcnQtc2VjcmV0", "env-pepper-secret");
    }

    @Test
    void missingFileIsRefusedWithItsPath() {
        Path missing = directory.resolve("absent.yml");

        assertThatThrownBy(() -> PatgateConfig.load(missing, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config file " + missing + ": not found");
    }

    @Test
    void recordConstructorsRefuseBadValuesBuiltInCode() {
        assertThatThrownBy(() -> new ListenConfig("127.0.0.1", 70000))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("listen.port: must be 0..65535");
        assertThatThrownBy(() -> new ApiConfig(10))
                .isInstanceOf(ConfigException.class)
                .hasMessage("api.maxBodyBytes: must be 1024..10485760");
        assertThatThrownBy(() -> new IdentityConfig(null, "X-User"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("identity.mode: must be set");
        assertThatThrownBy(() -> new RestConfig(List.of(), RestConfig.PasswordAuth.BLOCK, List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("rest.paths: must list at least one path pattern");
        PatgateConfig defaults = PatgateConfig.defaults();
        assertThatThrownBy(() -> new PatgateConfig(
                        defaults.listen(),
                        defaults.upstream(),
                        defaults.database(),
                        defaults.rest(),
                        defaults.identity(),
                        List.of("10.0.0.0/33"),
                        defaults.bootstrap(),
                        defaults.tokens(),
                        defaults.admin(),
                        defaults.api()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("trustedProxies[0]: prefix length");
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(directory.resolve("patgate.yml"), yaml);
    }
}
