package org.patgate.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The objects in deploy/kubernetes, each with the file it came from. Immutable once read.
 *
 * @param file   the manifest, relative to deploy/kubernetes
 * @param object one document of it
 */
record KubernetesManifests(String file, JsonNode object) {

    static final Path DIRECTORY = PackagingDoc.DEPLOY.resolve("kubernetes");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Every document of every {@code *.yaml} file in deploy/kubernetes, in file name order. */
    static List<KubernetesManifests> all() {
        List<KubernetesManifests> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode document : YAML.readerFor(JsonNode.class)
                        .<JsonNode>readValues(file.toFile())
                        .readAll()) {
                    if (document != null && !document.isNull() && !document.isMissingNode()) {
                        objects.add(new KubernetesManifests(file.getFileName().toString(), document));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return objects;
    }

    /** The one object of {@code kind}. */
    static JsonNode one(String kind) {
        List<JsonNode> found = all().stream()
                .map(KubernetesManifests::object)
                .filter(o -> kind.equals(o.path("kind").asText()))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " objects of kind " + kind + " in " + DIRECTORY + ", expected 1");
        }
        return found.getFirst();
    }

    String kind() {
        return object.path("kind").asText();
    }

    String apiVersion() {
        return object.path("apiVersion").asText();
    }

    /**
     * The schema file name for this object, as the schema generator names them: {@code deployment-apps-v1.json}
     * for apps/v1 Deployment, {@code service-v1.json} for a core v1 Service.
     */
    String schemaFile() {
        String[] groupVersion = apiVersion().split("/");
        String group = groupVersion.length == 2 ? groupVersion[0].split("\\.")[0] + "-" : "";
        return kind().toLowerCase(java.util.Locale.ROOT) + "-" + group + groupVersion[groupVersion.length - 1]
                + ".json";
    }
}
