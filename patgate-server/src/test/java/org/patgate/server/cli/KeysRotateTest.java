package org.patgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.core.token.TokenFormat;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.audit.SecretRedactor;
import org.patgate.server.config.CredentialKeySource;
import org.patgate.server.config.CredentialKeys;
import org.patgate.server.principal.Permission;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Database;
import org.patgate.server.store.NewUser;
import org.patgate.server.testing.CliRunner;
import org.patgate.server.testing.DatabaseDump;
import org.patgate.server.upstream.CredentialCipher;
import org.patgate.server.upstream.MintedNativeToken;
import org.patgate.server.upstream.NativeAccount;
import org.patgate.server.upstream.NativeAccounts;
import org.patgate.server.upstream.NativeCredential;
import org.patgate.server.upstream.UpstreamLinks;

/**
 * {@code patgate keys rotate}: links stored under the old key decrypt after the rotation, the key
 * file then holds only the new key, and a rotation that cannot re-encrypt everything loses nothing.
 */
class KeysRotateTest {

    @TempDir
    Path dir;

    private final CliRunner cli = CliRunner.against(() -> URI.create("http://127.0.0.1:1"));
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private Path keyFile;
    private Path config;
    private String jdbcUrl;

    @BeforeEach
    void configuration() throws IOException {
        keyFile = dir.resolve("keys/upstream-credentials.key");
        jdbcUrl = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
        config = dir.resolve("patgate.yml");
        Files.writeString(config, """
                database: { url: "%s" }
                upstream: { credentialKeyFile: "%s" }
                """.formatted(jdbcUrl, keyFile.toAbsolutePath()));
    }

    @Test
    void linksStillDecryptAfterRotationAndTheFileHoldsOnlyTheNewKey() throws IOException {
        link("alice", "bob", "carol");
        CredentialKeys before = CredentialKeySource.read(keyFile, false, line -> {});

        CliRunner.Result result = cli.run(Map.of(), "keys", "rotate", "--config", config.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err()).isEmpty();
        CredentialKeys after = CredentialKeySource.read(keyFile, false, line -> {});
        assertThat(after.ids()).hasSize(1).doesNotContain(before.currentId());
        assertThat(result.out().lines().toList())
                .containsExactly("re-encrypted 3 upstream credential(s) under the new key " + after.currentId() + " in "
                        + keyFile.toAbsolutePath() + "; dropped key(s) " + before.currentId());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
                .isEqualTo("rw-------");
        try (Database database = open()) {
            UpstreamLinks links = links(database, new CredentialCipher(after));
            tokens.forEach((user, token) -> assertThat(links.credentialFor(userId(database, user)))
                    .as(user)
                    .isEqualTo(new NativeCredential.Usable(token)));
            String dump = DatabaseDump.of(database.dataSource());
            assertThat(dump).contains("upstream-link.rekeyed");
            String rows = dump.substring(dump.toLowerCase().indexOf("== upstream_links"));
            assertThat(rows).contains(after.currentId()).doesNotContain(before.currentId());
            tokens.values().forEach(token -> assertThat(dump).doesNotContain(token));
        }
        try (Database database = open()) {
            UpstreamLinks old = links(database, new CredentialCipher(before));
            assertThat(old.credentialFor(userId(database, "alice")))
                    .as("the old key no longer opens anything")
                    .isInstanceOf(NativeCredential.Unusable.class);
        }

        CliRunner.Result again = cli.run(Map.of(), "keys", "rotate", "--config", config.toString());
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).startsWith("re-encrypted 3 upstream credential(s)");
        assertThat(CredentialKeySource.read(keyFile, false, line -> {}).ids())
                .hasSize(1)
                .doesNotContain(after.currentId());
    }

    @Test
    void aCredentialThatDoesNotDecryptStopsTheRotationAndNothingIsLost() throws IOException, SQLException {
        link("alice", "bob");
        CredentialKeys before = CredentialKeySource.read(keyFile, false, line -> {});
        try (Database database = open();
                Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            // bob's row now holds alice's ciphertext: it belongs to another user and must not decrypt
            for (String column : List.of("key_id", "nonce", "ciphertext")) {
                statement.executeUpdate("UPDATE upstream_links SET " + column + " = (SELECT " + column
                        + " FROM upstream_links WHERE user_id = " + userId(database, "alice") + ") WHERE user_id = "
                        + userId(database, "bob"));
            }
        }

        CliRunner.Result result = cli.run(Map.of(), "keys", "rotate", "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines().toList()).hasSize(1);
        assertThat(result.err()).startsWith("error: the stored upstream credential of user ");
        CredentialKeys after = CredentialKeySource.read(keyFile, false, line -> {});
        assertThat(after.ids())
                .as("the old key stays")
                .contains(before.currentId())
                .hasSize(2);
        try (Database database = open()) {
            UpstreamLinks links = links(database, new CredentialCipher(after));
            assertThat(links.credentialFor(userId(database, "alice")))
                    .isEqualTo(new NativeCredential.Usable(tokens.get("alice")));
        }
    }

    @Test
    void aSecondRotationOfTheSameFileIsRefusedWhileOneRuns() throws IOException {
        link("alice");
        String before = Files.readString(keyFile);
        Path lockFile = keyFile.resolveSibling(keyFile.getFileName() + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = channel.lock()) {
            CliRunner.Result result = cli.run(Map.of(), "keys", "rotate", "--config", config.toString());

            assertThat(held.isValid()).isTrue();
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err().lines().toList())
                    .containsExactly("error: upstream.credentialKeyFile: another rotation of "
                            + keyFile.toAbsolutePath() + " is running; try again later");
            assertThat(Files.readString(keyFile)).isEqualTo(before);
        }

        assertThat(cli.run(Map.of(), "keys", "rotate", "--config", config.toString())
                        .exitCode())
                .as("once the other one is done")
                .isZero();
    }

    @Test
    void badInputIsOneLineAndNonZero() throws IOException {
        CliRunner.Result noKeyFile = cli.run(Map.of(), "keys", "rotate", "--config", config.toString());
        assertThat(noKeyFile.exitCode()).isEqualTo(1);
        assertThat(noKeyFile.err().lines().toList())
                .containsExactly("error: upstream.credentialKeyFile: " + keyFile.toAbsolutePath()
                        + " does not exist; copy it from another node (every node needs the same keys); without it"
                        + " no stored upstream credential can be decrypted");
        assertThat(keyFile).doesNotExist();

        CliRunner.Result noConfig = cli.run(
                Map.of(),
                "keys",
                "rotate",
                "--config",
                dir.resolve("missing.yml").toString());
        assertThat(noConfig.exitCode()).isEqualTo(1);
        assertThat(noConfig.err().lines().toList())
                .containsExactly("error: configuration file not found: " + dir.resolve("missing.yml"));

        Files.createDirectories(keyFile.getParent());
        Files.writeString(keyFile, "k1 c2hvcnQ=\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        CliRunner.Result tooOpen = cli.run(Map.of(), "keys", "rotate", "--config", config.toString());
        assertThat(tooOpen.exitCode()).isEqualTo(1);
        assertThat(tooOpen.err()).contains("is accessible by group or others").doesNotContain("c2hvcnQ=");
        assertThat(Files.readString(keyFile)).isEqualTo("k1 c2hvcnQ=\n");

        assertThat(cli.run(Map.of(), "keys").exitCode()).isEqualTo(2);
        assertThat(cli.run(Map.of(), "keys", "rotate", "--bogus").exitCode()).isEqualTo(2);
    }

    /** Links each user with a pasted native token, through the service, under a freshly created key file. */
    private void link(String... usernames) {
        CredentialKeys keys = CredentialKeySource.read(keyFile, true, line -> {});
        try (Database database = open()) {
            UpstreamLinks links = links(database, new CredentialCipher(keys));
            for (String username : usernames) {
                long id = database.users()
                        .create(new NewUser(username, username, null, null, NewUser.SOURCE_LOCAL, true))
                        .id();
                String token = "native-" + username + "-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
                tokens.put(username, token);
                links.linkPasted(new Principal(id, username, username, Set.of(), Set.of(Permission.USE_TOKENS)), token);
            }
        }
    }

    private Database open() {
        return Database.open(jdbcUrl, "", "", 2);
    }

    private UpstreamLinks links(Database database, CredentialCipher cipher) {
        AuditLog audit =
                new AuditLog(database.audit(), Clock.systemUTC(), new SecretRedactor(TokenFormat.withDefaultPrefix()));
        return new UpstreamLinks(database, cipher, new TokensNameTheirOwner(), audit, Clock.systemUTC(), Duration.ZERO);
    }

    private static long userId(Database database, String username) {
        return database.users().findByUsername(username).orElseThrow().id();
    }

    /** A product whose native tokens are "native-<username>-…": enough to link; nothing is minted or revoked. */
    private static final class TokensNameTheirOwner implements NativeAccounts {
        @Override
        public NativeAccount whoAmI(String nativeToken) {
            String username = nativeToken.split("-")[1];
            return new NativeAccount(username, username);
        }

        @Override
        public MintedNativeToken mint(String username, char[] password, String name, Duration lifetime) {
            throw new UnsupportedOperationException("not needed here");
        }

        @Override
        public RevocationOutcome revoke(String username, String nativeTokenId, String nativeToken) {
            return RevocationOutcome.notDone("not needed here");
        }
    }
}
