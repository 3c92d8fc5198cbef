package org.patgate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PepperSourceTest {

    @TempDir
    Path directory;

    private final List<String> announcements = new ArrayList<>();

    @Test
    void missingFileIsGeneratedOwnerOnlyAndAnnouncedWithoutThePepper() throws IOException {
        Path file = directory.resolve("data/nested/pepper");

        byte[] pepper = PepperSource.resolve(tokens(file), true, announcements::add);

        assertThat(pepper).hasSize(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).isEqualTo(pepper);
        assertThat(announcements)
                .containsExactly("generated a new token pepper in " + file
                        + "; back it up and give every cluster node the same one");
        assertThat(announcements.getFirst()).doesNotContain(Base64.getEncoder().encodeToString(pepper));
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file left behind").containsExactly(file);
        }
    }

    @Test
    void generatedFileIsReusedOnTheNextCall() {
        Path file = directory.resolve("pepper");
        byte[] first = PepperSource.resolve(tokens(file), true, announcements::add);

        byte[] second = PepperSource.resolve(tokens(file), true, announcements::add);

        assertThat(second).isEqualTo(first);
        assertThat(announcements).hasSize(1);
    }

    @Test
    void concurrentGeneratorsAgreeOnOnePepper() throws Exception {
        Path file = directory.resolve("pepper");
        List<String> announced = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<byte[]>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return PepperSource.resolve(tokens(file), true, announced::add);
                }));
            }
            start.countDown();
            byte[] onDisk = null;
            for (Future<byte[]> result : results) {
                byte[] pepper = result.get();
                onDisk = onDisk == null
                        ? Base64.getDecoder().decode(Files.readString(file).strip())
                        : onDisk;
                assertThat(pepper).isEqualTo(onDisk);
            }
        }
        assertThat(announced).hasSize(1);
    }

    @Test
    void fileReadableByOthersIsRefusedWithChmodAdvice() throws IOException {
        Path file = writePepper("rw-r--r--", Base64.getEncoder().encodeToString(new byte[32]));

        assertThatThrownBy(() -> PepperSource.resolve(tokens(file), true, announcements::add))
                .isInstanceOf(ConfigException.class)
                .hasMessage("tokens.pepperFile: " + file + " is accessible by group or others (rw-r--r--);"
                        + " run: chmod 600 " + file);
    }

    @Test
    void fileReadableByGroupIsRefused() throws IOException {
        Path file = writePepper("rw-r-----", Base64.getEncoder().encodeToString(new byte[32]));

        assertThatThrownBy(() -> PepperSource.resolve(tokens(file), false, announcements::add))
                .hasMessageContaining("chmod 600");
    }

    @Test
    void tooShortPepperFileIsRefusedWithoutShowingIt() throws IOException {
        String shortPepper = Base64.getEncoder().encodeToString("sixteen-byte-key".getBytes());
        Path file = writePepper("rw-------", shortPepper + "\n");

        assertThatThrownBy(() -> PepperSource.resolve(tokens(file), true, announcements::add))
                .isInstanceOf(ConfigException.class)
                .hasMessage("tokens.pepperFile: " + file + " must be at least 32 bytes (base64)")
                .message()
                .doesNotContain(shortPepper);
    }

    @Test
    void tooShortInlinePepperIsRefusedAtLoad() {
        String shortPepper = Base64.getEncoder().encodeToString(new byte[31]);

        assertThatThrownBy(() -> PatgateConfig.load(null, Map.of("PATGATE_TOKENS_PEPPER", shortPepper)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("tokens.pepper: must be at least 32 bytes (base64) (from PATGATE_TOKENS_PEPPER)");
        assertThatThrownBy(() -> tokens(directory.resolve("pepper"), shortPepper))
                .hasMessage("tokens.pepper: must be at least 32 bytes (base64)");
    }

    @Test
    void inlinePepperWinsOverTheFileInBase64OrHex() {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 7);
        }
        Path absent = directory.resolve("never-created");

        assertThat(PepperSource.resolve(
                        tokens(absent, Base64.getEncoder().encodeToString(key)), true, announcements::add))
                .isEqualTo(key);
        assertThat(PepperSource.resolve(tokens(absent, HexFormat.of().formatHex(key)), true, announcements::add))
                .isEqualTo(key);
        assertThat(absent).doesNotExist();
        assertThat(announcements).isEmpty();
    }

    @Test
    void missingFileIsRefusedWhenCreationIsNotAllowed() {
        Path file = directory.resolve("pepper");

        assertThatThrownBy(() -> PepperSource.resolve(tokens(file), false, announcements::add))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tokens.pepperFile: " + file + " does not exist");
        assertThat(file).doesNotExist();
    }

    private Path writePepper(String permissions, String content) throws IOException {
        Path file = directory.resolve("pepper");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    private static TokensConfig tokens(Path pepperFile) {
        return tokens(pepperFile, "");
    }

    private static TokensConfig tokens(Path pepperFile, String pepper) {
        return new TokensConfig("pat_", pepper, pepperFile, Duration.ofSeconds(30), Duration.ofSeconds(5), 0);
    }
}
