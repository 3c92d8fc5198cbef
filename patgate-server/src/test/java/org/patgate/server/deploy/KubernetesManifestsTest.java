package org.patgate.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.config.PatgateConfig;

/**
 * deploy/kubernetes: every object is valid for Kubernetes v1.21.5 by the JSON schemas generated from its
 * OpenAPI document (strict: unknown fields are errors), and the objects fit together: the references
 * between them resolve, the probes ask the health endpoint on the port PATgate listens on, the mounted
 * configuration is one PATgate accepts, and the image is the one the build makes.
 */
class KubernetesManifestsTest {

    private static final String SCHEMAS = "/kubernetes-schemas/v1.21.5-standalone-strict/";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyManifestIsValidByTheKubernetesSchemas() {
        List<KubernetesManifests> objects = KubernetesManifests.all();
        assertThat(objects)
                .extracting(KubernetesManifests::kind)
                .containsExactlyInAnyOrder("ConfigMap", "Deployment", "PodDisruptionBudget", "Secret", "Service");

        for (KubernetesManifests object : objects) {
            assertThat(errors(object.schemaFile(), object.object()))
                    .as("schema errors in deploy/kubernetes/%s (%s)", object.file(), object.kind())
                    .isEmpty();
        }
    }

    @Test
    void aMisspelledFieldIsASchemaError() {
        ObjectNode deployment = KubernetesManifests.one("Deployment").deepCopy();
        ObjectNode container = (ObjectNode) deployment.at("/spec/template/spec/containers/0");
        container.set("readinesProbe", container.remove("readinessProbe"));

        assertThat(errors("deployment-apps-v1.json", deployment)).isNotEmpty();
    }

    @Test
    void theDeploymentRunsAtLeastTwoHardenedPodsThatAreReadyWhenHealthy() {
        JsonNode deployment = KubernetesManifests.one("Deployment");
        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode container = patgateContainer(pod);

        assertThat(deployment.at("/spec/replicas").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/.patgate/health");
        assertThat(containerPort(
                        container, container.at("/readinessProbe/httpGet/port").asText()))
                .isEqualTo(listenPort());
        assertThat(containerPort(
                        container, container.at("/livenessProbe/tcpSocket/port").asText()))
                .isEqualTo(listenPort());
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isPositive();
        for (JsonNode each : allContainers(pod)) {
            assertThat(each.at("/securityContext/readOnlyRootFilesystem").asBoolean())
                    .as("read-only root file system for %s", each.path("name").asText())
                    .isTrue();
            assertThat(each.at("/securityContext/allowPrivilegeEscalation").asBoolean(true))
                    .isFalse();
            assertThat(each.at("/resources/requests/memory").asText()).isNotEmpty();
            assertThat(each.at("/resources/limits/memory").asText()).isNotEmpty();
        }
    }

    @Test
    void everySecretAndConfigMapReferenceResolves() {
        JsonNode pod = KubernetesManifests.one("Deployment").at("/spec/template/spec");
        JsonNode secret = KubernetesManifests.one("Secret");
        JsonNode configMap = KubernetesManifests.one("ConfigMap");
        List<String> secretKeys = fieldNames(secret.path("stringData"));

        List<JsonNode> keyRefs = new ArrayList<>();
        for (JsonNode container : allContainers(pod)) {
            container.path("env").forEach(env -> {
                if (env.at("/valueFrom/secretKeyRef").isObject()) {
                    keyRefs.add(env.at("/valueFrom/secretKeyRef"));
                }
            });
        }
        assertThat(keyRefs).hasSizeGreaterThanOrEqualTo(3);
        for (JsonNode ref : keyRefs) {
            assertThat(ref.path("name").asText())
                    .isEqualTo(secret.at("/metadata/name").asText());
            assertThat(secretKeys).contains(ref.path("key").asText());
        }
        for (JsonNode volume : pod.path("volumes")) {
            if (volume.has("secret")) {
                assertThat(volume.at("/secret/secretName").asText())
                        .isEqualTo(secret.at("/metadata/name").asText());
                volume.at("/secret/items")
                        .forEach(item ->
                                assertThat(secretKeys).contains(item.path("key").asText()));
            }
            if (volume.has("configMap")) {
                assertThat(volume.at("/configMap/name").asText())
                        .isEqualTo(configMap.at("/metadata/name").asText());
            }
        }
        List<String> volumeNames = StreamSupport.stream(pod.path("volumes").spliterator(), false)
                .map(v -> v.path("name").asText())
                .toList();
        for (JsonNode container : allContainers(pod)) {
            container
                    .path("volumeMounts")
                    .forEach(mount ->
                            assertThat(volumeNames).contains(mount.path("name").asText()));
        }
    }

    @Test
    void theSecretHoldsPlaceholdersOnly() {
        JsonNode secret = KubernetesManifests.one("Secret");

        assertThat(secret.has("data"))
                .as("no base64 data in the committed Secret")
                .isFalse();
        secret.path("stringData")
                .properties()
                .forEach(e -> assertThat(e.getValue().asText())
                        .as("secret %s", e.getKey())
                        .startsWith("REPLACE-"));
    }

    @Test
    void theDisruptionBudgetAndTheServiceSelectTheDeploymentsPods() {
        JsonNode deployment = KubernetesManifests.one("Deployment");
        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        JsonNode budget = KubernetesManifests.one("PodDisruptionBudget");
        JsonNode service = KubernetesManifests.one("Service");

        assertThat(budget.at("/spec/minAvailable").asInt()).isEqualTo(1);
        assertThat(budget.at("/spec/selector/matchLabels")).isEqualTo(deployment.at("/spec/selector/matchLabels"));
        assertSelects(budget.at("/spec/selector/matchLabels"), podLabels);
        assertSelects(deployment.at("/spec/selector/matchLabels"), podLabels);
        assertSelects(service.at("/spec/selector"), podLabels);
        assertThat(containerPort(
                        patgateContainer(deployment.at("/spec/template/spec")),
                        service.at("/spec/ports/0/targetPort").asText()))
                .isEqualTo(listenPort());
    }

    @Test
    void theMountedConfigurationIsOnePatgateAccepts() throws IOException {
        JsonNode pod = KubernetesManifests.one("Deployment").at("/spec/template/spec");
        JsonNode container = patgateContainer(pod);
        List<String> args = StreamSupport.stream(container.path("args").spliterator(), false)
                .map(JsonNode::asText)
                .toList();
        assertThat(args).startsWith("serve", "--config");
        Path configPath = Path.of(args.get(2));
        JsonNode configMount = StreamSupport.stream(
                        container.path("volumeMounts").spliterator(), false)
                .filter(m -> m.path("name").asText().equals("config"))
                .findFirst()
                .orElseThrow();
        assertThat(configPath.getParent().toString())
                .isEqualTo(configMount.path("mountPath").asText());
        String yaml = KubernetesManifests.one("ConfigMap")
                .at("/data")
                .path(configPath.getFileName().toString())
                .asText();
        Path file = Files.writeString(dir.resolve("patgate.yml"), yaml);

        PatgateConfig config = PatgateConfig.load(file, environment(container));

        assertThat(config.database().url()).startsWith("jdbc:postgresql:");
        assertThat(config.listen().port()).isEqualTo(containerPort(container, "http"));
    }

    @Test
    void theDeploymentRunsTheImageTheBuildMakes() {
        JsonNode pod = KubernetesManifests.one("Deployment").at("/spec/template/spec");

        for (JsonNode container : allContainers(pod)) {
            assertThat(container.path("image").asText()).isEqualTo(ImageName.fromBuild());
        }
    }

    /** The container's environment as PATgate would see it, with the Secret's placeholders given usable values. */
    private static Map<String, String> environment(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        String pepper = Base64.getEncoder()
                .encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        container.path("env").forEach(e -> {
            String name = e.path("name").asText();
            if (e.has("value")) {
                env.put(name, e.path("value").asText());
            } else {
                env.put(name, name.equals("PATGATE_TOKENS_PEPPER") ? pepper : "secret-for-" + name);
            }
        });
        return env;
    }

    private static List<String> errors(String schemaFile, JsonNode object) {
        Schema schema = schema(schemaFile);
        try {
            return schema.validate(JSON.writeValueAsString(object), InputFormat.JSON).stream()
                    .map(Error::toString)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Schema schema(String file) {
        try (InputStream in = KubernetesManifestsTest.class.getResourceAsStream(SCHEMAS + file)) {
            assertThat(in).as("schema %s (vendored for each kind used)", file).isNotNull();
            // The generator's "$schema" names no draft; the schemas are written for draft 4.
            ObjectNode document = (ObjectNode) JSON.readTree(in);
            document.remove("$schema");
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                    .getSchema(JSON.writeValueAsString(document), InputFormat.JSON);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode patgateContainer(JsonNode pod) {
        return StreamSupport.stream(pod.path("containers").spliterator(), false)
                .filter(c -> c.path("name").asText().equals("patgate"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container named patgate"));
    }

    private static List<JsonNode> allContainers(JsonNode pod) {
        List<JsonNode> containers = new ArrayList<>();
        pod.path("initContainers").forEach(containers::add);
        pod.path("containers").forEach(containers::add);
        return containers;
    }

    /** The container port that {@code port} (a name or a number) names. */
    private static int containerPort(JsonNode container, String port) {
        for (JsonNode each : container.path("ports")) {
            if (each.path("name").asText().equals(port)
                    || each.path("containerPort").asText().equals(port)) {
                return each.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port " + port);
    }

    private static int listenPort() {
        Matcher port = Pattern.compile("(?m)^\\s+port:\\s*(\\d+)")
                .matcher(KubernetesManifests.one("ConfigMap")
                        .at("/data/patgate.yml")
                        .asText());
        assertThat(port.find()).as("listen.port in the ConfigMap").isTrue();
        return Integer.parseInt(port.group(1));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertSelects(JsonNode selector, JsonNode labels) {
        assertThat(selector.isObject() && !selector.isEmpty()).as("a selector").isTrue();
        selector.properties()
                .forEach(e -> assertThat(labels.path(e.getKey()).asText())
                        .as("pod label %s", e.getKey())
                        .isEqualTo(e.getValue().asText()));
    }
}
