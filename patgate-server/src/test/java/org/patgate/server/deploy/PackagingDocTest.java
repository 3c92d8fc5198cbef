package org.patgate.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaging section of docs/cluster.md names what exists: the files under deploy/, the Secret's keys,
 * the manifests to apply, the image's name, base and output file as the build makes them. (The install
 * commands of the systemd part run in SystemdUnitIT, the image build in ContainerImageIT.)
 */
class PackagingDocTest {

    private static final String SECTION = PackagingDoc.section();

    @Test
    void everyFileTheSectionNamesUnderDeployExists() {
        Matcher path = Pattern.compile("deploy/[\\w./-]*[\\w]").matcher(SECTION);
        List<String> named = new ArrayList<>();
        while (path.find()) {
            named.add(path.group());
        }

        assertThat(named).hasSizeGreaterThan(5);
        assertThat(named)
                .allSatisfy(p -> assertThat(PackagingDoc.REPOSITORY.resolve(p)).exists());
    }

    @Test
    void theSecretTheSectionCreatesHasTheKeysThePodsRead() {
        String create = PackagingDoc.shellBlockWith("kubectl create secret");
        Matcher key = Pattern.compile("--from-(?:literal|file)=([\\w.-]+)=").matcher(create);
        List<String> created = new ArrayList<>();
        while (key.find()) {
            created.add(key.group(1));
        }
        JsonNode secret = KubernetesManifests.one("Secret");
        List<String> placeholders = new ArrayList<>();
        secret.path("stringData").fieldNames().forEachRemaining(placeholders::add);

        assertThat(create)
                .contains("kubectl create secret generic "
                        + secret.at("/metadata/name").asText() + " ");
        assertThat(created).containsExactlyInAnyOrderElementsOf(placeholders);
    }

    @Test
    void theSectionAppliesEveryManifestButThePlaceholderSecret() throws IOException {
        String apply = PackagingDoc.shellBlockWith("kubectl apply");
        Matcher file = Pattern.compile("-f (deploy/kubernetes/[\\w.-]+)").matcher(apply);
        List<String> applied = new ArrayList<>();
        while (file.find()) {
            applied.add(file.group(1));
        }
        List<String> manifests;
        try (Stream<Path> files = Files.list(KubernetesManifests.DIRECTORY)) {
            manifests = files.map(f -> "deploy/kubernetes/" + f.getFileName())
                    .filter(f -> f.endsWith(".yaml") && !f.endsWith("/secret.yaml"))
                    .toList();
        }

        assertThat(applied).containsExactlyInAnyOrderElementsOf(manifests);
    }

    @Test
    void theImageNameBaseAndFileAreTheOnesTheBuildUses() {
        String serverPom = PackagingDoc.read(PackagingDoc.REPOSITORY.resolve("patgate-server/pom.xml"));
        Matcher base = Pattern.compile("<patgate.image.base>([^<]+)</patgate.image.base>")
                .matcher(serverPom);
        assertThat(base.find()).isTrue();
        Matcher tags = Pattern.compile("patgate/patgate:[\\w.-]+").matcher(SECTION);
        List<String> named = new ArrayList<>();
        while (tags.find()) {
            named.add(tags.group());
        }

        assertThat(SECTION).contains("Its base is `" + base.group(1) + "`");
        assertThat(PackagingDoc.shellBlockWith("-Pimage")).contains("./mvnw -Pimage package");
        assertThat(serverPom).contains("<tar>${project.build.directory}/patgate-image.tar</tar>");
        assertThat(SECTION).contains("patgate-server/target/patgate-image.tar");
        assertThat(named).isNotEmpty().allSatisfy(tag -> assertThat(tag).isEqualTo(ImageName.fromBuild()));
    }
}
