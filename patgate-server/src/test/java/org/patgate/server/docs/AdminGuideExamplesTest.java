package org.patgate.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.docs.HttpExamples.Example;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RecordingUpstream;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Keeps docs/admin-guide.md honest. The page's first YAML block is the configuration of its
 * walkthrough: a node is started with exactly those settings (only where it listens and keeps its
 * data, and the application's URL, are replaced by test ones), in front of a recording upstream
 * that plays Jira. Every {@code http} example is then sent in page order and must get the documented
 * status, problem type and fields; a request to the application must reach it exactly when the page
 * says it is allowed. The JWTs the application received must verify the way the page tells an
 * application to verify them.
 */
@EndToEndTest
class AdminGuideExamplesTest {

    static final Path DOC = Path.of("../docs/admin-guide.md");
    private static final Pattern YAML_BLOCK = Pattern.compile("(?ms)^```yaml\\n(.*?)^```$");
    private static final Pattern DOC_LINK = Pattern.compile("\\]\\(([a-z-]+\\.md)(?:#[a-z-]+)?\\)");
    /** Keys of the page's configuration that the test replaces: where the node listens and keeps data. */
    private static final List<String> REPLACED =
            List.of("PATGATE_LISTEN_", "PATGATE_DATABASE_", "PATGATE_TOKENS_PEPPERFILE", "PATGATE_UPSTREAM_URL");
    /** Docs that are written alongside this page and may not exist on this branch yet. */
    private static final String ADMIN_PASSWORD = "change-me-admin-password";

    @TempDir
    Path dir;

    @Test
    void everyExampleInTheAdminGuideDoesWhatThePageSays() throws Exception {
        String page = Files.readString(DOC);
        List<Example> examples = HttpExamples.read(page);
        assertThat(examples).as("examples in docs/admin-guide.md").hasSizeGreaterThan(40);
        Map<String, String> env = new HashMap<>(environmentOf(yamlBlocks(page).getFirst()));
        env.keySet().removeIf(key -> REPLACED.stream().anyMatch(key::startsWith));
        PatgateConfig documented = PatgateConfig.load(null, env);

        try (RecordingUpstream jira = new RecordingUpstream()) {
            env.put("PATGATE_UPSTREAM_URL", jira.url());
            env.put("PATGATE_BOOTSTRAP_ADMINPASSWORD", ADMIN_PASSWORD);
            try (TestServer server =
                    TestServer.start(dir, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "", "", env)) {
                int[] seen = {0};
                int[] forwardedWithToken = {0};
                List<String> failures = new HttpExamples.Replay(server).run(examples, (example, answer) -> {
                    int received = jira.received().size();
                    int reached = received - seen[0];
                    seen[0] = received;
                    boolean toApplication = !example.target().startsWith("/.patgate/");
                    int expected = toApplication && answer.status() < 300 ? 1 : 0;
                    if (expected == 1
                            && example.headers()
                                    .getOrDefault("Authorization", "")
                                    .startsWith("Bearer ")) {
                        forwardedWithToken[0]++;
                    }
                    return reached == expected
                            ? null
                            : "the application received " + reached + " requests, expected " + expected;
                });

                assertThat(failures)
                        .as("examples in docs/admin-guide.md that do not do what the page says")
                        .isEmpty();
                assertIdentityJwtsVerifyAsThePageSays(server, jira, documented, forwardedWithToken[0]);
            }
        }
    }

    /**
     * Every request forwarded with a token carried one identity JWT (and no other request did), and
     * each verifies by the page's recipe: ES256 only, key by kid from the JWK Set, then iss, aud, exp
     * and nbf; act as sub.
     */
    private static void assertIdentityJwtsVerifyAsThePageSays(
            TestServer server, RecordingUpstream jira, PatgateConfig config, int forwardedWithToken) throws Exception {
        String header = config.identity().header();
        List<String> jwts =
                jira.received().stream().flatMap(r -> r.header(header).stream()).toList();
        assertThat(forwardedWithToken)
                .as("examples with a token that reach the application")
                .isGreaterThan(3);
        assertThat(jwts)
                .as("one identity JWT with each of them, none with anything else")
                .hasSize(forwardedWithToken);
        Answer published = server.raw("GET", "/.patgate/jwks.json", Map.of(), null);
        JWKSet keys = JWKSet.parse(published.body());
        Date now = new Date();
        for (String serialized : jwts) {
            SignedJWT jwt = SignedJWT.parse(serialized);
            assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
            ECKey key = (ECKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
            assertThat(key)
                    .as("key " + jwt.getHeader().getKeyID() + " is published")
                    .isNotNull();
            assertThat(jwt.verify(new ECDSAVerifier(key))).as("signature").isTrue();
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            assertThat(claims.getIssuer()).isEqualTo(config.identity().jwt().issuer());
            assertThat(claims.getAudience()).containsExactly("jira-prod");
            assertThat(claims.getNotBeforeTime()).isBeforeOrEqualTo(now);
            assertThat(claims.getExpirationTime()).isAfter(claims.getIssueTime());
            assertThat(claims.getSubject()).isIn("carl", "ivy", "alice");
            assertThat(claims.getStringClaim("tid")).isNotBlank();
            assertThat(claims.getStringClaim("scope")).isIn("read-only", "read-write");
            assertThat(claims.getStringListClaim("groups")).isNotNull();
            assertThat(claims.getJWTID()).isNotBlank();
        }
    }

    @Test
    void theTestRunsTheNodeWithThePagesConfiguration() throws IOException {
        String yaml = yamlBlocks(Files.readString(DOC)).getFirst();
        Path file = dir.resolve("patgate.yml");
        Files.writeString(file, yaml);

        assertThat(PatgateConfig.load(null, environmentOf(yaml)))
                .as("the same settings as environment variables")
                .isEqualTo(PatgateConfig.load(file, Map.of()));
    }

    @Test
    void everyYamlBlockIsAValidConfiguration() throws IOException {
        List<String> blocks = yamlBlocks(Files.readString(DOC));

        assertThat(blocks).isNotEmpty();
        for (int i = 0; i < blocks.size(); i++) {
            Path file = dir.resolve("block-" + i + ".yml");
            Files.writeString(file, blocks.get(i));
            PatgateConfig.load(file, Map.of());
        }
    }

    @Test
    void linksToOtherDocsResolve() throws IOException {
        Matcher links = DOC_LINK.matcher(Files.readString(DOC));
        List<String> targets = new ArrayList<>();
        while (links.find()) {
            targets.add(links.group(1));
        }

        assertThat(targets).contains("api.md", "configuration.md", "security.md", "ldap.md");
        assertThat(targets)
                .allSatisfy(target -> assertThat(DOC.resolveSibling(target)).exists());
    }

    @Test
    void aConfigurationBecomesTheEnvironmentVariablesThatMeanTheSame() {
        Map<String, String> env = environmentOf("""
                listen: { port: 8080 }
                rest:
                  paths: ["/rest/**", "/api/**"]
                identity:
                  jwt: { audience: jira-prod }
                trustedProxies: []
                """);

        assertThat(env)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "PATGATE_LISTEN_PORT",
                        "8080",
                        "PATGATE_REST_PATHS",
                        "/rest/**,/api/**",
                        "PATGATE_IDENTITY_JWT_AUDIENCE",
                        "jira-prod",
                        "PATGATE_TRUSTEDPROXIES",
                        ""));
    }

    static List<String> yamlBlocks(String page) {
        Matcher blocks = YAML_BLOCK.matcher(page);
        List<String> found = new ArrayList<>();
        while (blocks.find()) {
            found.add(blocks.group(1));
        }
        return found;
    }

    /** The {@code PATGATE_*} variables that say what a YAML configuration says (lists comma-separated). */
    static Map<String, String> environmentOf(String yaml) {
        try {
            Map<String, String> env = new LinkedHashMap<>();
            flatten(new ObjectMapper(new YAMLFactory()).readTree(yaml), "PATGATE", env);
            return env;
        } catch (IOException e) {
            throw new AssertionError("not YAML: " + yaml, e);
        }
    }

    private static void flatten(JsonNode node, String name, Map<String, String> env) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                flatten(field.getValue(), name + "_" + field.getKey().toUpperCase(Locale.ROOT), env);
            }
        } else if (node.isArray()) {
            env.put(
                    name,
                    StreamSupport.stream(node.spliterator(), false)
                            .map(JsonNode::asText)
                            .collect(Collectors.joining(",")));
        } else {
            env.put(name, node.asText());
        }
    }
}
