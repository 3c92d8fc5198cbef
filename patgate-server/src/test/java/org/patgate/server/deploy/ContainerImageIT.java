package org.patgate.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI image of profile {@code image}, built by Maven as the docs say ({@code -Pimage}), with no
 * container daemon and no registry: its base is a stand-in built here (a {@code docker save} tar whose
 * only content is the PATH a Java base image sets), given through {@code -Dpatgate.image.base=tar://…}.
 * The image's tar is then opened: its configuration (entry point, arguments, user, port, labels) and its
 * layers (the application jar, its dependencies, the class path file) are what the docs and the
 * Kubernetes manifests rely on, and the entry point's class path, unpacked, starts PATgate.
 *
 * <p>The build runs on a copy of this build's patgate-core jar in a local repository of its own (the
 * user's repository read through {@code maven.repo.local.tail}), so it neither needs an installed
 * patgate-core nor writes into this build's {@code target} directories.
 */
class ContainerImageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path USER_REPOSITORY = Path.of(System.getProperty("user.home"), ".m2", "repository");

    @TempDir
    static Path dir;

    static Path image;
    static JsonNode config;

    @BeforeAll
    static void buildTheImage() throws Exception {
        Assumptions.assumeTrue(run(dir, List.of("tar", "--version")).exitCode() == 0, "tar is not installed");
        Path base = standInBase(dir.resolve("base"));
        Path repository = dir.resolve("repository");
        List<String> maven = new ArrayList<>(List.of(
                PackagingDoc.REPOSITORY.resolve("mvnw").toString(),
                "-q",
                "-Dmaven.repo.local=" + repository,
                "-Dmaven.repo.local.tail=" + USER_REPOSITORY,
                "-Dmaven.repo.local.tail.ignoreAvailability=true"));
        // Offline when the plugin is already at hand (a developer's machine); a fresh one downloads it.
        if (Files.isDirectory(USER_REPOSITORY.resolve("com/google/cloud/tools/jib-maven-plugin"))) {
            maven.add("-o");
        }
        Outcome core = run(
                PackagingDoc.REPOSITORY,
                concat(
                        maven,
                        List.of(
                                "install:install-file",
                                "-Dfile=patgate-core/target/patgate-core-" + version() + ".jar",
                                "-DpomFile=patgate-core/pom.xml")));
        assertThat(core.exitCode()).as(core.output()).isZero();

        image = dir.resolve("patgate-image.tar");
        Outcome build = run(
                PackagingDoc.REPOSITORY,
                concat(
                        maven,
                        List.of(
                                "-Pimage",
                                "-pl",
                                "patgate-server",
                                "com.google.cloud.tools:jib-maven-plugin:3.5.2:buildTar",
                                "-Dpatgate.image.base=tar://" + base,
                                "-Djib.outputPaths.tar=" + image,
                                "-Djib.applicationCache=" + dir.resolve("jib-application-cache"),
                                "-Djib.baseImageCache=" + dir.resolve("jib-base-cache"))));
        assertThat(build.exitCode()).as(build.output()).isZero();

        Path unpacked = Files.createDirectories(dir.resolve("image"));
        assertThat(run(unpacked, List.of("tar", "-xf", image.toString())).exitCode())
                .isZero();
        config = JSON.readTree(
                unpacked.resolve(manifest().path("Config").asText()).toFile());
    }

    @Test
    void theImageIsNamedAsTheKubernetesManifestsRunIt() throws IOException {
        assertThat(manifest().path("RepoTags")).extracting(JsonNode::asText).containsExactly(ImageName.fromBuild());
    }

    @Test
    void theImageServesWithTheMountedConfigurationAsANonRootUser() {
        JsonNode container = config.path("config");

        assertThat(texts(container.path("Entrypoint")))
                .startsWith("java")
                .contains("-cp", "@/app/jib-classpath-file", "--enable-native-access=ALL-UNNAMED")
                .endsWith("org.patgate.server.cli.Main");
        assertThat(texts(container.path("Cmd"))).containsExactly("serve", "--config", "/etc/patgate/patgate.yml");
        String user = container.path("User").asText();
        assertThat(user).isNotEmpty().doesNotStartWith("0").doesNotStartWith("root");
        assertThat(container.path("WorkingDir").asText()).isEqualTo("/var/lib/patgate");
        assertThat(texts(container.path("Env"))).contains("PATGATE_LISTEN_HOST=0.0.0.0");
        assertThat(texts(container.path("Env")))
                .as("the base image's PATH, where java is")
                .anyMatch(e -> e.startsWith("PATH=/opt/java/openjdk/bin"));
        assertThat(container.path("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(container
                        .path("Labels")
                        .path("org.opencontainers.image.title")
                        .asText())
                .isEqualTo("PATgate");
        assertThat(container
                        .path("Labels")
                        .path("org.opencontainers.image.version")
                        .asText())
                .isEqualTo(version());
    }

    @Test
    void theExposedPortIsTheOneTheKubernetesManifestsUse() {
        JsonNode pod = KubernetesManifests.one("Deployment").at("/spec/template/spec");
        List<String> ports = new ArrayList<>();
        pod.path("containers")
                .forEach(c -> c.path("ports")
                        .forEach(p -> ports.add(p.path("containerPort").asText() + "/tcp")));

        assertThat(fieldNames(config.at("/config/ExposedPorts"))).containsExactlyElementsOf(ports);
    }

    @Test
    void aLayerHoldsTheApplicationJarAndTheClassPathNamesOnlyFilesOfTheImage() throws Exception {
        Path root = rootFileSystem();

        Path jar = root.resolve("app/classpath/patgate-server-" + version() + ".jar");
        assertThat(jar).isRegularFile();
        try (ZipFile application = new ZipFile(jar.toFile())) {
            assertThat(application.getEntry("org/patgate/server/cli/Main.class"))
                    .isNotNull();
        }
        List<String> classPath = List.of(
                Files.readString(root.resolve("app/jib-classpath-file")).strip().split(":"));
        assertThat(classPath).contains("/app/classpath/*", "/app/libs/patgate-core-" + version() + ".jar");
        for (String entry : classPath) {
            Path file = root.resolve(entry.substring(1));
            if (entry.endsWith("/*")) {
                assertThat(file.getParent())
                        .isDirectoryContaining(p -> p.toString().endsWith(".jar"));
            } else {
                assertThat(file).isRegularFile();
            }
        }
    }

    @Test
    void theWorkingDirectoryIsWritableByTheImagesGroupOnly() throws Exception {
        Path workingDirectory = rootFileSystem().resolve("var/lib/patgate");

        assertThat(workingDirectory).isDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(workingDirectory)))
                .isEqualTo("rwxrwx---");
        assertThat(config.at("/config/User").asText()).endsWith(":0");
    }

    @Test
    void theEntryPointsClassPathStartsPatgate() throws Exception {
        Path root = rootFileSystem();
        List<String> entrypoint = texts(config.at("/config/Entrypoint"));
        String classPath = List.of(Files.readString(root.resolve("app/jib-classpath-file"))
                        .strip()
                        .split(":"))
                .stream()
                .map(entry -> root.resolve(entry.substring(1)).toString())
                .collect(Collectors.joining(":"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : entrypoint.subList(1, entrypoint.size())) {
            command.add(arg.equals("@/app/jib-classpath-file") ? classPath : arg);
        }
        command.add("--version");

        Outcome started = run(dir, command);

        assertThat(started.exitCode()).as(started.output()).isZero();
        assertThat(started.output()).contains(version());
    }

    /** Every layer of the image unpacked in order into one directory, as a container runtime would. */
    private static synchronized Path rootFileSystem() throws Exception {
        Path root = dir.resolve("rootfs");
        if (Files.isDirectory(root)) {
            return root;
        }
        Files.createDirectories(root);
        for (JsonNode layer : manifest().path("Layers")) {
            Outcome unpacked = run(
                    root,
                    List.of(
                            "tar",
                            "-xzf",
                            dir.resolve("image").resolve(layer.asText()).toString()));
            assertThat(unpacked.exitCode()).as(unpacked.output()).isZero();
        }
        return root;
    }

    private static JsonNode manifest() throws IOException {
        JsonNode manifests = JSON.readTree(dir.resolve("image/manifest.json").toFile());
        assertThat(manifests).hasSize(1);
        return manifests.get(0);
    }

    /**
     * A base image in {@code docker save} form: one layer with an empty {@code /opt/java/openjdk/bin}
     * and a configuration whose PATH leads there, as eclipse-temurin's does.
     */
    private static Path standInBase(Path work) throws Exception {
        Path layerRoot = Files.createDirectories(work.resolve("layer/opt/java/openjdk/bin"));
        Path tarDir = Files.createDirectories(work.resolve("tar"));
        Path layer = tarDir.resolve("layer.tar");
        assertThat(run(work.resolve("layer"), List.of("tar", "--owner=0", "--group=0", "-cf", layer.toString(), "opt"))
                        .exitCode())
                .isZero();
        assertThat(layerRoot).isDirectory();
        String diffId = "sha256:" + sha256(Files.readAllBytes(layer));
        Map<String, Object> imageConfig = Map.of(
                "architecture",
                "amd64",
                "os",
                "linux",
                "config",
                Map.of(
                        "Env",
                        List.of(
                                "PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")),
                "rootfs",
                Map.of("type", "layers", "diff_ids", List.of(diffId)));
        Files.write(tarDir.resolve("config.json"), JSON.writeValueAsBytes(imageConfig));
        Files.write(
                tarDir.resolve("manifest.json"),
                JSON.writeValueAsBytes(List.of(Map.of(
                        "Config",
                        "config.json",
                        "RepoTags",
                        List.of("stand-in/java:21"),
                        "Layers",
                        List.of("layer.tar")))));
        Path base = work.resolve("base.tar");
        assertThat(run(tarDir, List.of("tar", "-cf", base.toString(), "manifest.json", "config.json", "layer.tar"))
                        .exitCode())
                .isZero();
        return base;
    }

    private static String version() {
        return ImageName.fromBuild().substring(ImageName.fromBuild().lastIndexOf(':') + 1);
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private record Outcome(int exitCode, String output) {}

    private static Outcome run(Path directory, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("PATGATE_"));
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("still running after 5 minutes: " + command);
        }
        return new Outcome(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
    }
}
