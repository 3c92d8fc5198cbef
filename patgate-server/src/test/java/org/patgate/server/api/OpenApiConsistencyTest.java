package org.patgate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.TestServer;

/**
 * docs/openapi.yaml and the route table describe the same API: every route is in the spec and
 * every spec operation is a route (parameter names aside), path parameters are declared, every
 * {@code $ref} resolves, and the server serves exactly this file without authentication.
 */
@EndToEndTest
class OpenApiConsistencyTest {

    static final Path SPEC = Path.of("../docs/openapi.yaml");
    private static final Set<String> OPERATIONS =
            Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    static JsonNode spec;

    @BeforeAll
    static void read() throws IOException {
        spec = new YAMLMapper().readTree(SPEC.toFile());
    }

    /** "GET /tokens/{}" for every operation in the spec. */
    static Set<String> specOperations(JsonNode document) {
        Set<String> operations = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths =
                        document.path("paths").fields();
                paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<String> names = path.getValue().fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (OPERATIONS.contains(name)) {
                    operations.add(
                            name.toUpperCase(Locale.ROOT) + " " + path.getKey().replaceAll("\\{[^}]*}", "{}"));
                }
            }
        }
        return operations;
    }

    static Set<String> routeOperations(ApiRoutes routes) {
        Set<String> operations = new TreeSet<>();
        routes.routes().forEach(route -> operations.add(route.method() + " " + route.shape()));
        return operations;
    }

    @Test
    void everyRouteIsDescribedAndEveryDescribedOperationIsARoute() {
        Set<String> described = specOperations(spec);
        Set<String> routed = routeOperations(ApiRoutes.ALL);

        Set<String> missingFromSpec = new TreeSet<>(routed);
        missingFromSpec.removeAll(described);
        Set<String> notRouted = new TreeSet<>(described);
        notRouted.removeAll(routed);
        assertThat(missingFromSpec).as("routes missing from docs/openapi.yaml").isEmpty();
        assertThat(notRouted)
                .as("operations in docs/openapi.yaml that no route answers")
                .isEmpty();
    }

    @Test
    void theComparisonNoticesAMissingOrExtraOperation() throws IOException {
        JsonNode edited = new YAMLMapper()
                .readTree(Files.readString(SPEC).replace("  /tokens/{id}/rotate:", "  /tokens/{id}/rotation:"));

        Set<String> described = specOperations(edited);

        assertThat(described).contains("POST /tokens/{}/rotation").doesNotContain("POST /tokens/{}/rotate");
        assertThat(described).isNotEqualTo(routeOperations(ApiRoutes.ALL));
    }

    @Test
    void isOpenApi31WithTheApiPrefixAsServer() {
        assertThat(spec.path("openapi").asText()).startsWith("3.1.");
        assertThat(spec.path("servers").get(0).path("url").asText() + "/").isEqualTo(ApiHandler.PREFIX);
        assertThat(spec.at("/components/securitySchemes").fieldNames())
                .toIterable()
                .contains("basicAuth", "sessionCookie", "csrfHeader");
    }

    @Test
    void everyPathParameterIsDeclaredAndOnlyOpenRoutesWaiveSecurity() {
        List<String> problems = new ArrayList<>();
        for (Route route : ApiRoutes.ALL.routes()) {
            JsonNode path = specPath(route);
            JsonNode operation = path.path(route.method().toLowerCase(Locale.ROOT));
            Set<String> declared = new TreeSet<>();
            for (JsonNode list : List.of(path.path("parameters"), operation.path("parameters"))) {
                for (JsonNode parameter : list) {
                    JsonNode resolved = resolve(parameter);
                    if (resolved != null && resolved.path("in").asText().equals("path")) {
                        declared.add(resolved.path("name").asText());
                    }
                }
            }
            if (!declared.equals(new TreeSet<>(route.parameters()))) {
                problems.add(route.method() + " " + route.template() + " declares path parameters " + declared);
            }
            // Open to callers without an account: no security, or only the token's own (GET /self).
            boolean open = operation.has("security")
                    && (operation.get("security").isEmpty()
                            || operation.get("security").toString().equals("[{\"personalAccessToken\":[]}]"));
            if (open == route.authenticated()) {
                problems.add(route.method() + " " + route.template()
                        + (open ? " is open in the spec only" : " needs no authentication but the spec says it does"));
            }
            if (!operation.path("responses").fieldNames().hasNext()) {
                problems.add(route.method() + " " + route.template() + " has no responses");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyReferenceResolves() {
        List<String> dangling = new ArrayList<>();
        collectDangling(spec, dangling);
        assertThat(dangling).isEmpty();
        List<String> probe = new ArrayList<>();
        collectDangling(new YAMLMapper().createObjectNode().put("$ref", "#/components/schemas/Nope"), probe);
        assertThat(probe).as("the check finds dangling references").containsExactly("#/components/schemas/Nope");
    }

    @Test
    void theServerServesThisFileWithoutAuthentication(@TempDir Path dir) throws IOException {
        try (TestServer server = TestServer.h2(dir)) {
            TestServer.Answer answer = server.raw("GET", "/.patgate/api/v1/openapi.yaml", Map.of(), null);

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.contentType()).startsWith("application/yaml");
            assertThat(answer.body()).isEqualTo(Files.readString(SPEC));
            assertThat(server.raw("POST", "/.patgate/api/v1/openapi.yaml", Map.of(), null)
                            .status())
                    .as("other methods still need credentials first")
                    .isEqualTo(401);
        }
    }

    private static JsonNode specPath(Route route) {
        for (Iterator<Map.Entry<String, JsonNode>> paths = spec.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (path.getKey().replaceAll("\\{[^}]*}", "{}").equals(route.shape())) {
                return path.getValue();
            }
        }
        throw new AssertionError("no spec path for " + route.template());
    }

    private static JsonNode resolve(JsonNode node) {
        return node.has("$ref") ? pointer(node.get("$ref").asText()) : node;
    }

    private static JsonNode pointer(String ref) {
        if (!ref.startsWith("#/")) {
            return null;
        }
        JsonNode target = spec.at(ref.substring(1));
        return target.isMissingNode() ? null : target;
    }

    private static void collectDangling(JsonNode node, List<String> dangling) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && pointer(ref.asText()) == null) {
                dangling.add(ref.asText());
            }
            node.elements().forEachRemaining(child -> collectDangling(child, dangling));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> collectDangling(child, dangling));
        }
    }
}
