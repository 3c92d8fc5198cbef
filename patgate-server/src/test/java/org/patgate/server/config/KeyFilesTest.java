package org.patgate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
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
import org.patgate.server.config.internal.KeyFiles;

/**
 * The key files outside the database ({@link KeyFiles}), through the upstream credential key file
 * ({@link CredentialKeySource}, {@link CredentialKeys}): created owner-only and atomically, refused
 * when too open, agreed on by concurrent creators, replaced atomically, never quoted in a message.
 */
class KeyFilesTest {

    private static final String KEY = "upstream.credentialKeyFile";

    @TempDir
    Path directory;

    private final List<String> announcements = new ArrayList<>();

    @Test
    void missingFileIsCreatedOwnerOnlyWithOneKeyAndAnnouncedWithoutIt() throws IOException {
        Path file = directory.resolve("data/nested/upstream-credentials.key");

        CredentialKeys keys = CredentialKeySource.read(file, true, announcements::add);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        assertThat(keys.ids()).hasSize(1).containsExactly(keys.currentId());
        assertThat(keys.key(keys.currentId()).orElseThrow()).hasSize(32);
        assertThat(CredentialKeys.parse(Files.readString(file)).ids()).containsExactly(keys.currentId());
        assertThat(announcements)
                .containsExactly("generated a new upstream credential key in " + file
                        + "; back it up and give every cluster node the same file");
        String material =
                Base64.getEncoder().encodeToString(keys.key(keys.currentId()).orElseThrow());
        assertThat(Files.readString(file)).contains(material);
        assertThat(announcements.getFirst()).doesNotContain(material);
        assertThat(keys.toString()).doesNotContain(material);
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file left behind").containsExactly(file);
        }
    }

    @Test
    void existingFileIsReadAndNotRecreated() {
        Path file = directory.resolve("keys");
        CredentialKeys first = CredentialKeySource.read(file, true, announcements::add);

        CredentialKeys second = CredentialKeySource.read(file, true, announcements::add);

        assertThat(second.ids()).isEqualTo(first.ids());
        assertThat(second.key(second.currentId()))
                .contains(first.key(first.currentId()).orElseThrow());
        assertThat(announcements).hasSize(1);
    }

    @Test
    void missingFileIsAnErrorWhenItMayNotBeCreated() {
        Path file = directory.resolve("keys");

        assertThatThrownBy(() -> CredentialKeySource.read(file, false, announcements::add))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(KEY + ": " + file + " does not exist; copy it from another node");
        assertThat(file).doesNotExist();
    }

    @Test
    void concurrentCreatorsAgreeOnOneFile() throws Exception {
        Path file = directory.resolve("keys");
        List<String> announced = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<CredentialKeys>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return CredentialKeySource.read(file, true, announced::add);
                }));
            }
            start.countDown();
            CredentialKeys onDisk = null;
            for (Future<CredentialKeys> result : results) {
                CredentialKeys keys = result.get();
                onDisk = onDisk == null ? CredentialKeys.parse(Files.readString(file)) : onDisk;
                assertThat(keys.currentId()).isEqualTo(onDisk.currentId());
                assertThat(keys.key(keys.currentId()))
                        .contains(onDisk.key(onDisk.currentId()).orElseThrow());
            }
        }
        assertThat(announced).hasSize(1);
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).as("no temporary file left behind").containsExactly(file);
        }
    }

    @Test
    void fileReadableOrWritableByOthersIsRefusedWithChmodAdvice() throws IOException {
        for (String mode : List.of("rw-r--r--", "rw-r-----", "rw--w----", "rw-----w-")) {
            Path file = directory.resolve("keys-" + mode);
            Files.writeString(file, CredentialKeys.generate().format());
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));

            assertThatThrownBy(() -> CredentialKeySource.read(file, true, announcements::add))
                    .as(mode)
                    .isInstanceOf(ConfigException.class)
                    .hasMessage(KEY + ": " + file + " is accessible by group or others (" + mode + "); run: chmod 600 "
                            + file);
        }
    }

    @Test
    void malformedFilesAreRefusedNamingTheLineButNotItsContent() throws IOException {
        String shortKey = Base64.getEncoder().encodeToString("sixteen-byte-key".getBytes());
        String goodKey = Base64.getEncoder().encodeToString(new byte[32]);
        List<List<String>> cases = List.of(
                List.of("# comment\n\nk1 " + shortKey + "\n", "line 3: the key must be 32 bytes (base64)"),
                List.of("k1 not*base64*" + shortKey + "\n", "line 1: the key must be base64"),
                List.of(goodKey + "\n", "line 1: expected '<keyId> <base64 key>'"),
                List.of("k1 " + goodKey + "\nk1 " + goodKey + "\n", "line 2: key id k1 appears twice"),
                List.of("# nothing here\n", "holds no key"));
        for (List<String> c : cases) {
            Path file = directory.resolve("bad");
            Files.deleteIfExists(file);
            Files.writeString(file, c.get(0));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

            assertThatThrownBy(() -> CredentialKeySource.read(file, true, announcements::add))
                    .as(c.get(1))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(KEY + ": " + file + " " + c.get(1))
                    .message()
                    .doesNotContain(shortKey)
                    .doesNotContain(goodKey);
        }
    }

    @Test
    void rewritingReplacesTheFileAtomicallyOwnerOnly() throws IOException {
        Path file = directory.resolve("keys");
        CredentialKeys first = CredentialKeySource.read(file, true, announcements::add);
        CredentialKeys rotated = first.withNewCurrent();

        CredentialKeySource.write(file, rotated);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        CredentialKeys read = CredentialKeySource.read(file, false, announcements::add);
        assertThat(read.ids()).containsExactly(rotated.currentId(), first.currentId());
        assertThat(read.retaining(java.util.Set.of()).ids()).containsExactly(rotated.currentId());
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).as("no temporary file left behind").containsExactly(file);
        }
    }

    @Test
    void creatingNeverOverwritesAnExistingFile() throws IOException {
        Path file = directory.resolve("keys");
        KeyFiles.createOwnerOnly(file, "first\n");

        assertThatThrownBy(() -> KeyFiles.createOwnerOnly(file, "second\n"))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(KeyFiles.readOwnerOnly(file, KEY)).isEqualTo("first\n");
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).as("no temporary file left behind").containsExactly(file);
        }
    }

    @Test
    void theKeyFileIsAConfigurationKeyWithADefaultAndAnEnvironmentVariable() {
        assertThat(PatgateConfig.defaults().upstream().credentialKeyFile())
                .isEqualTo(Path.of("./data/upstream-credentials.key"));
        assertThat(PatgateConfig.load(null, Map.of("PATGATE_UPSTREAM_CREDENTIALKEYFILE", "/run/secrets/upstream-keys"))
                        .upstream()
                        .credentialKeyFile())
                .isEqualTo(Path.of("/run/secrets/upstream-keys"));
    }
}
