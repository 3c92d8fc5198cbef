package org.patgate.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.patgate.core.token.TokenFormat;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.audit.SecretRedactor;
import org.patgate.server.config.CredentialKeys;
import org.patgate.server.error.ForbiddenException;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.principal.Permission;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Database;
import org.patgate.server.store.NewUser;
import org.patgate.server.testing.Backend;
import org.patgate.server.testing.DatabaseDump;
import org.patgate.server.testing.FileTrees;
import org.patgate.server.testing.MutableClock;
import org.patgate.server.testing.PostgresFixture;
import org.patgate.server.testing.PostgresTest;
import org.patgate.server.upstream.NativeCredential.Unusable;
import org.patgate.server.upstream.NativeCredential.Usable;

/**
 * The link service on H2 and on a real PostgreSQL, against an upstream product played in memory
 * ({@link FakeProduct}): linking pasted and minted tokens, who may link what, computed status,
 * unlinking with upstream revocation, users removed, the gateway's cached credential, broken links,
 * and no native secret anywhere in the database or the audit trail.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
@PostgresTest
class UpstreamLinksTest {

    private static final String PASSWORD = "alice-directory-password-1";

    private static Path dir;
    private static Database database;

    @Parameter
    Backend backend;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final CredentialKeys keys = CredentialKeys.generate();
    private FakeProduct product;
    private AuditLog audit;
    private UpstreamLinks links;
    private Principal alice;
    private Principal bob;
    private Principal admin;

    @BeforeParameterizedClassInvocation
    static void openDatabase(Backend backend) throws IOException {
        dir = Files.createTempDirectory("patgate-links-");
        if (backend == Backend.H2) {
            database = Database.open("jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "", "", 4);
        } else {
            PostgresFixture.TestDatabase db = PostgresFixture.start().createDatabase();
            database = Database.open(db.jdbcUrl(), db.username(), db.password(), 4);
        }
    }

    @AfterParameterizedClassInvocation
    static void closeDatabase() {
        database.close();
        FileTrees.deleteQuietly(dir);
    }

    @BeforeEach
    void freshService() throws SQLException {
        sql("DELETE FROM audit_events", "DELETE FROM upstream_links", "DELETE FROM users");
        product = new FakeProduct(clock);
        audit = new AuditLog(database.audit(), clock, new SecretRedactor(TokenFormat.withDefaultPrefix()));
        links = new UpstreamLinks(database, new CredentialCipher(keys), product, audit, clock, Duration.ofMinutes(5));
        alice = principal("alice", false);
        bob = principal("bob", false);
        admin = principal("root", true);
    }

    @Test
    void aPastedTokenOfTheCallerIsLinked() {
        String token = product.issue("Alice");

        UpstreamLinkView view = links.linkPasted(alice, "  " + token + "\n");

        assertThat(view.status()).isEqualTo("linked");
        assertThat(view.reason()).isNull();
        assertThat(view.kind()).isEqualTo("pasted");
        assertThat(view.upstreamUsername()).isEqualTo("Alice");
        assertThat(view.linkedAt()).isEqualTo(clock.instant());
        assertThat(view.checkedAt()).isEqualTo(clock.instant());
        assertThat(view.expiresAt()).isNull();
        assertThat(links.find(alice.userId())).contains(view);
        assertThat(links.find(bob.userId())).as("never linked").isEmpty();
        assertThat(links.credentialFor(alice.userId())).isEqualTo(new Usable(token));
        assertThat(links.credentialFor(alice.userId()).toString()).doesNotContain(token);
        assertThat(audit()).containsExactly("alice upstream-link.created alice success kind=pasted upstreamUser=Alice");
    }

    @Test
    void aTokenOfAnotherUpstreamUserIsRefusedWithoutRepeatingIt() {
        String token = product.issue("bob");

        assertThatThrownBy(() -> links.linkPasted(alice, token))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("this token belongs to bob on the upstream product, not to you (alice)")
                .message()
                .doesNotContain(token);
        assertThat(links.find(alice.userId())).isEmpty();
        assertThat(links.credentialFor(alice.userId()))
                .isEqualTo(new Unusable("missing", "no upstream account is linked"));
        assertThat(audit())
                .containsExactly("alice upstream-link.created alice failure kind=pasted: the token belongs to bob");
    }

    @Test
    void aTokenTheProductRejectsOrCannotCheckIsNotLinked() {
        assertThatThrownBy(() -> links.linkPasted(alice, "not-a-token-the-product-knows"))
                .isInstanceOf(NativeTokenRejectedException.class);
        String token = product.issue("alice");
        product.unreachable = true;
        assertThatThrownBy(() -> links.linkPasted(alice, token)).isInstanceOf(UpstreamUnavailableException.class);
        assertThatThrownBy(() -> links.linkPasted(alice, "two words"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("token: must be the native token: 1 to 1024 visible ASCII characters");
        assertThatThrownBy(() -> links.linkPasted(alice, "")).isInstanceOf(InvalidRequestException.class);

        assertThat(links.find(alice.userId())).isEmpty();
        assertThat(audit()).hasSize(2).allMatch(line -> line.contains(" failure "));
    }

    @Test
    void aMintedTokenIsLinkedAndThePasswordArrayWiped() {
        product.acceptPassword("alice", PASSWORD);
        char[] password = PASSWORD.toCharArray();

        UpstreamLinkView view = links.linkMinted(alice, password, Duration.ofDays(90));

        assertThat(password).containsOnly('\0');
        assertThat(view.status()).isEqualTo("linked");
        assertThat(view.kind()).isEqualTo("minted");
        assertThat(view.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(90)));
        assertThat(links.credentialFor(alice.userId()))
                .isEqualTo(new Usable(product.mintedSecrets().getFirst()));
        assertThatThrownBy(() -> links.linkMinted(alice, "wrong".toCharArray(), Duration.ofDays(90)))
                .isInstanceOf(NativeTokenRejectedException.class);
        assertThatThrownBy(() -> links.linkMinted(alice, PASSWORD.toCharArray(), Duration.ZERO))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(links.find(alice.userId())).contains(view);
    }

    @Test
    void statusIsExpiringInTheLastWeekAndExpiredAfter() {
        product.acceptPassword("alice", PASSWORD);
        links.linkMinted(alice, PASSWORD.toCharArray(), Duration.ofDays(30));
        Instant expiry = clock.instant().plus(Duration.ofDays(30));
        assertThat(links.find(alice.userId()).orElseThrow().status()).isEqualTo("linked");

        clock.advance(Duration.ofDays(23));
        assertThat(links.find(alice.userId()).orElseThrow().status())
                .as("8 days left")
                .isEqualTo("linked");
        clock.advance(Duration.ofDays(2));
        UpstreamLinkView expiring = links.find(alice.userId()).orElseThrow();
        assertThat(expiring.status()).isEqualTo("expiring");
        assertThat(expiring.reason()).isEqualTo("the upstream token expires at " + expiry);
        assertThat(links.credentialFor(alice.userId())).isInstanceOf(Usable.class);

        clock.set(expiry);
        UpstreamLinkView expired = links.find(alice.userId()).orElseThrow();
        assertThat(expired.status()).isEqualTo("expired");
        assertThat(expired.reason()).isEqualTo("the upstream token expired at " + expiry);
        assertThat(links.credentialFor(alice.userId()))
                .as("also from the cache")
                .isEqualTo(new Unusable("expired", "the linked upstream token expired at " + expiry));
    }

    @Test
    void unlinkRevokesUpstreamAndSaysSo() {
        product.acceptPassword("alice", PASSWORD);
        links.linkMinted(alice, PASSWORD.toCharArray(), Duration.ofDays(90));
        String minted = product.mintedSecrets().getFirst();

        UpstreamLinkView view = links.unlink(alice, alice.userId());

        assertThat(view.status()).isEqualTo("revoked");
        assertThat(view.reason()).isEqualTo("unlinked by the user");
        assertThat(view.revokedUpstream()).isTrue();
        assertThat(view.revokeNote()).isNull();
        assertThat(product.revokedTokens()).containsExactly(minted);
        assertThat(product.knows(minted)).isFalse();
        assertThat(links.credentialFor(alice.userId())).isEqualTo(new Unusable("revoked", "unlinked by the user"));
        assertThat(links.find(alice.userId()).orElseThrow().status()).isEqualTo("revoked");

        UpstreamLinkView again = links.unlink(alice, alice.userId());
        assertThat(again.revokedUpstream()).isFalse();
        assertThat(again.revokeNote()).isEqualTo("the link was already revoked");
        assertThat(product.revokedTokens()).hasSize(1);
        assertThatThrownBy(() -> links.unlink(bob, bob.userId()))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("no upstream link");
    }

    @Test
    void unlinkSaysWhyTheProductDidNotRevoke() {
        links.linkPasted(alice, product.issue("alice"));
        product.revocationAllowed = false;

        UpstreamLinkView view = links.unlink(alice, alice.userId());

        assertThat(view.status()).isEqualTo("revoked");
        assertThat(view.revokedUpstream()).isFalse();
        assertThat(view.revokeNote()).isEqualTo("the product does not let a token revoke itself");
        assertThat(audit().getLast())
                .isEqualTo("alice upstream-link.removed alice success kind=pasted revokedUpstream=false (the product"
                        + " does not let a token revoke itself)");
    }

    @Test
    void onlyAnAdministratorUnlinksSomeoneElse() {
        links.linkPasted(alice, product.issue("alice"));

        assertThatThrownBy(() -> links.unlink(bob, alice.userId())).isInstanceOf(ForbiddenException.class);
        assertThat(links.find(alice.userId()).orElseThrow().status()).isEqualTo("linked");

        UpstreamLinkView view = links.unlink(admin, alice.userId());
        assertThat(view.reason()).isEqualTo("unlinked by root");
        assertThat(view.revokedUpstream()).isTrue();
        assertThat(audit().getLast()).startsWith("root upstream-link.removed alice success");
    }

    @Test
    void relinkingRevokesTheReplacedTokenOnlyWhenPatgateMintedIt() {
        String pasted = product.issue("alice");
        links.linkPasted(alice, pasted);
        String pastedAgain = product.issue("alice");
        links.linkPasted(alice, pastedAgain);
        assertThat(product.revokedTokens())
                .as("the user's own token stays theirs")
                .isEmpty();

        product.acceptPassword("alice", PASSWORD);
        links.linkMinted(alice, PASSWORD.toCharArray(), Duration.ofDays(90));
        String minted = product.mintedSecrets().getFirst();
        assertThat(product.revokedTokens()).isEmpty();
        String last = product.issue("alice");
        links.linkPasted(alice, last);

        assertThat(product.revokedTokens()).containsExactly(minted);
        assertThat(links.credentialFor(alice.userId())).isEqualTo(new Usable(last));
        assertThat(audit().getLast()).endsWith("replaced=minted revokedUpstream=true");
    }

    @Test
    void aRemovedUserHasTheirTokenRevokedUpstream() {
        String token = product.issue("alice");
        links.linkPasted(alice, token);
        links.credentialFor(alice.userId());

        links.userRemoved(alice.userId(), "user disabled by root");
        links.userRemoved(alice.userId(), "again");
        links.userRemoved(bob.userId(), "never linked");

        assertThat(product.revokedTokens()).containsExactly(token);
        UpstreamLinkView view = links.find(alice.userId()).orElseThrow();
        assertThat(view.status()).isEqualTo("revoked");
        assertThat(view.reason()).isEqualTo("user disabled by root");
        assertThat(links.credentialFor(alice.userId())).isEqualTo(new Unusable("revoked", "user disabled by root"));
        assertThat(links.find(bob.userId())).isEmpty();
        assertThat(audit().getLast())
                .isEqualTo("system upstream-link.revoked alice success user disabled by root; revokedUpstream=true");
        assertThat(audit()).hasSize(2);
    }

    @Test
    void aRemovedUserIsRevokedEvenWhenTheProductIsDown() {
        links.linkPasted(alice, product.issue("alice"));
        product.unreachable = true;

        links.userRemoved(alice.userId(), "user deleted by root");

        assertThat(links.find(alice.userId()).orElseThrow().status()).isEqualTo("revoked");
        assertThat(audit().getLast())
                .isEqualTo("system upstream-link.revoked alice success user deleted by root; revokedUpstream=false"
                        + " (the upstream product could not be reached: connection refused)");
    }

    @Test
    void theCredentialIsCachedAndDroppedOnUnlink() throws SQLException {
        String token = product.issue("alice");
        links.linkPasted(alice, token);
        assertThat(links.credentialFor(alice.userId())).isEqualTo(new Usable(token));

        sql("UPDATE upstream_links SET status = 'broken', reason = 'changed behind the service'");
        assertThat(links.credentialFor(alice.userId())).as("from the cache").isEqualTo(new Usable(token));

        sql("UPDATE upstream_links SET status = 'linked', reason = NULL");
        links.unlink(alice, alice.userId());
        assertThat(links.credentialFor(alice.userId())).isInstanceOf(Unusable.class);
    }

    @Test
    void theCredentialIsDroppedWhenMarkedBrokenAndTheBreakAuditedOnce() throws Exception {
        String token = product.issue("alice");
        links.linkPasted(alice, token);
        assertThat(links.credentialFor(alice.userId())).isEqualTo(new Usable(token));

        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> calls = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 16; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    links.markBroken(alice.userId(), "Jira answered 401 to the linked token");
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> call : calls) {
                call.get();
            }
        }

        assertThat(links.credentialFor(alice.userId()))
                .isEqualTo(new Unusable("broken", "Jira answered 401 to the linked token"));
        assertThat(links.find(alice.userId()).orElseThrow().status()).isEqualTo("broken");
        assertThat(audit().stream().filter(line -> line.contains("upstream-link.broken")))
                .containsExactly("system upstream-link.broken alice success Jira answered 401 to the linked token");

        links.linkPasted(alice, product.issue("alice"));
        assertThat(links.credentialFor(alice.userId())).as("relinked").isInstanceOf(Usable.class);
    }

    @Test
    void aCiphertextCopiedToAnotherUsersRowDoesNotDecrypt() throws SQLException {
        String token = product.issue("alice");
        links.linkPasted(alice, token);
        links.linkPasted(bob, product.issue("bob"));

        for (String column : List.of("key_id", "nonce", "ciphertext")) {
            sql("UPDATE upstream_links SET " + column + " = (SELECT " + column + " FROM upstream_links WHERE user_id = "
                    + alice.userId() + ") WHERE user_id = " + bob.userId());
        }

        NativeCredential stolen = links.credentialFor(bob.userId());
        assertThat(stolen).isInstanceOf(Unusable.class);
        assertThat(((Unusable) stolen).status()).isEqualTo("broken");
        assertThat(stolen.toString()).doesNotContain(token);
    }

    @Test
    void noNativeSecretReachesTheDatabaseOrTheAuditTrail() {
        product.acceptPassword("alice", PASSWORD);
        List<String> secrets = new ArrayList<>();
        String pasted = product.issue("alice");
        secrets.add(pasted);
        links.linkPasted(alice, pasted);
        links.credentialFor(alice.userId());
        links.markBroken(alice.userId(), "Jira answered 401");
        links.linkMinted(alice, PASSWORD.toCharArray(), Duration.ofDays(3));
        secrets.add(product.mintedSecrets().getFirst());
        String bobs = product.issue("bob");
        secrets.add(bobs);
        links.linkPasted(bob, bobs);
        assertThatThrownBy(() -> links.linkPasted(alice, bobs)).isInstanceOf(InvalidRequestException.class);
        links.linkMinted(alice, PASSWORD.toCharArray(), Duration.ofDays(90));
        secrets.add(product.mintedSecrets().getLast());
        String dumpWhileLinked = DatabaseDump.of(database.dataSource());
        links.unlink(alice, alice.userId());
        links.userRemoved(bob.userId(), "user disabled by root");

        String dump = DatabaseDump.of(database.dataSource());
        assertThat(dumpWhileLinked.toLowerCase()).contains("upstream_links");
        assertThat(dumpWhileLinked).as("the encrypted links are in the dump").contains(keys.currentId());
        for (String keyId : keys.ids()) {
            secrets.add(Base64.getEncoder().encodeToString(keys.key(keyId).orElseThrow()));
        }
        secrets.add(PASSWORD);
        assertThat(audit()).hasSizeGreaterThan(6);
        for (String secret : secrets) {
            assertThat(dumpWhileLinked).doesNotContain(secret);
            assertThat(dump).doesNotContain(secret);
            assertThat(String.join("\n", audit())).doesNotContain(secret);
        }
    }

    /** The audit trail so far: "actor action target outcome detail" per event, oldest first. */
    private List<String> audit() {
        List<String> lines = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT actor, action, target, outcome, detail FROM audit_events ORDER BY id")) {
            while (rows.next()) {
                lines.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3) + " "
                        + rows.getString(4) + " " + rows.getString(5));
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return lines;
    }

    private Principal principal(String username, boolean isAdmin) {
        long id = database.users()
                .create(new NewUser(username, username, null, null, NewUser.SOURCE_LOCAL, true))
                .id();
        return new Principal(
                id, username, username, Set.of(), isAdmin ? Set.of(Permission.ADMIN) : Set.of(Permission.USE_TOKENS));
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.executeUpdate(sql);
            }
        }
    }
}
