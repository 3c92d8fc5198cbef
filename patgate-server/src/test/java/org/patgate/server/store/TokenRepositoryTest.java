package org.patgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.patgate.core.token.Scope;

@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class TokenRepositoryTest extends StoreTestBase {

    private UserRecord alice;
    private UserRecord admin;
    private int sequence;

    @BeforeEach
    void users() {
        alice = user("Alice");
        admin = user("admin");
    }

    private static String digest(int n) {
        return String.format("%064x", n);
    }

    private NewToken token(String name, UserRecord owner, Instant createdAt, Instant expiresAt, TokenStatus status) {
        int n = ++sequence;
        return new NewToken(
                "tok" + n,
                digest(n),
                "h" + n,
                name,
                owner.id(),
                admin.id(),
                Scope.READ_WRITE,
                List.of(),
                expiresAt,
                createdAt,
                status);
    }

    private TokenRecord insert(String name, Instant createdAt, Instant expiresAt, TokenStatus status) {
        return db.tokens().insert(token(name, alice, createdAt, expiresAt, status));
    }

    @Test
    void insertedTokenRoundTripsEveryFieldWithUsernames() {
        Instant expires = T0.plus(Duration.ofDays(30));
        TokenRecord stored = db.tokens()
                .insert(new NewToken(
                        "AbC123",
                        digest(7),
                        "pat_x9Zq",
                        "CI pipeline",
                        alice.id(),
                        admin.id(),
                        Scope.READ_ONLY,
                        List.of("10.0.0.0/8", "2001:db8::/32"),
                        expires,
                        T0,
                        TokenStatus.ACTIVE));

        assertThat(stored.id()).isEqualTo("AbC123");
        assertThat(stored.digestHex()).isEqualTo(digest(7));
        assertThat(stored.hint()).isEqualTo("pat_x9Zq");
        assertThat(stored.name()).isEqualTo("CI pipeline");
        assertThat(stored.ownerId()).isEqualTo(alice.id());
        assertThat(stored.ownerUsername()).isEqualTo("Alice");
        assertThat(stored.creatorId()).isEqualTo(admin.id());
        assertThat(stored.creatorUsername()).isEqualTo("admin");
        assertThat(stored.scope()).isEqualTo(Scope.READ_ONLY);
        assertThat(stored.allowedIps()).containsExactly("10.0.0.0/8", "2001:db8::/32");
        assertThat(stored.createdAt()).isEqualTo(T0.truncatedTo(ChronoUnit.MICROS));
        assertThat(stored.expiresAt()).isEqualTo(expires.truncatedTo(ChronoUnit.MICROS));
        assertThat(stored.status()).isEqualTo(TokenStatus.ACTIVE);
        assertThat(stored.revokedAt()).isNull();
        assertThat(stored.revokedByUsername()).isNull();
        assertThat(stored.rotatedAt()).isNull();
        assertThat(stored.lastUsedAt()).isNull();
        assertThat(stored.lastUsedIp()).isNull();
        assertThat(stored.lastUsedAgent()).isNull();
        assertThat(db.tokens().findById("AbC123")).contains(stored);
        assertThat(db.tokens().findByDigest(digest(7))).contains(stored);
    }

    @Test
    void tokenWithoutExpiryOrIpRestrictionRoundTrips() {
        TokenRecord stored = insert("forever", T0, null, TokenStatus.ACTIVE);

        assertThat(stored.expiresAt()).isNull();
        assertThat(stored.allowedIps()).isEmpty();
        assertThat(stored.isActiveAt(T0.plus(Duration.ofDays(3650)))).isTrue();
    }

    @Test
    void digestLookupIgnoresHexCaseAndUnknownDigestsAreEmpty() {
        db.tokens()
                .insert(new NewToken(
                        "t1",
                        "AB".repeat(32),
                        "h",
                        "n",
                        alice.id(),
                        alice.id(),
                        Scope.READ_WRITE,
                        List.of(),
                        null,
                        T0,
                        TokenStatus.ACTIVE));

        assertThat(db.tokens().findByDigest("ab".repeat(32)))
                .map(TokenRecord::id)
                .contains("t1");
        assertThat(db.tokens().findByDigest("AB".repeat(32)))
                .map(TokenRecord::id)
                .contains("t1");
        assertThat(db.tokens().findByDigest(digest(404))).isEmpty();
        assertThat(db.tokens().findById("nope")).isEmpty();
    }

    @Test
    void takenIdOrDigestIsADuplicateKey() {
        TokenRecord first = insert("first", T0, null, TokenStatus.ACTIVE);

        assertThatThrownBy(() -> db.tokens()
                        .insert(new NewToken(
                                first.id(),
                                digest(999),
                                "h",
                                "n",
                                alice.id(),
                                alice.id(),
                                Scope.READ_WRITE,
                                List.of(),
                                null,
                                T0,
                                TokenStatus.ACTIVE)))
                .isInstanceOf(DuplicateKeyException.class);
        assertThatThrownBy(() -> db.tokens()
                        .insert(new NewToken(
                                "other",
                                first.digestHex(),
                                "h",
                                "n",
                                alice.id(),
                                alice.id(),
                                Scope.READ_WRITE,
                                List.of(),
                                null,
                                T0,
                                TokenStatus.ACTIVE)))
                .isInstanceOf(DuplicateKeyException.class)
                .hasMessageNotContaining(first.digestHex());
    }

    @Test
    void unknownOwnerIsAStoreError() {
        assertThatThrownBy(() -> db.tokens()
                        .insert(new NewToken(
                                "x",
                                digest(1),
                                "h",
                                "n",
                                Long.MAX_VALUE,
                                alice.id(),
                                Scope.READ_WRITE,
                                List.of(),
                                null,
                                T0,
                                TokenStatus.ACTIVE)))
                .isInstanceOf(StoreException.class)
                .isNotInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void searchFiltersByComputedAndStoredStatusAtNow() {
        Instant now = T0.plus(Duration.ofDays(10));
        TokenRecord active = insert("active", T0, now.plusSeconds(1), TokenStatus.ACTIVE);
        TokenRecord neverExpires = insert("never", T0.plusSeconds(1), null, TokenStatus.ACTIVE);
        TokenRecord expiredExactlyNow = insert("expired-now", T0.plusSeconds(2), now, TokenStatus.ACTIVE);
        TokenRecord expiredLongAgo = insert("expired-old", T0.plusSeconds(3), T0.plusSeconds(60), TokenStatus.ACTIVE);
        TokenRecord revoked = insert("revoked", T0.plusSeconds(4), null, TokenStatus.REVOKED);
        TokenRecord pending = insert("pending", T0.plusSeconds(5), T0, TokenStatus.PENDING);
        TokenRecord denied = insert("denied", T0.plusSeconds(6), null, TokenStatus.DENIED);

        assertThat(ids(search(null, "active", null, now))).containsExactly(neverExpires.id(), active.id());
        assertThat(ids(search(null, "expired", null, now)))
                .containsExactly(expiredLongAgo.id(), expiredExactlyNow.id());
        assertThat(ids(search(null, "revoked", null, now))).containsExactly(revoked.id());
        assertThat(ids(search(null, "pending", null, now))).containsExactly(pending.id());
        assertThat(ids(search(null, "denied", null, now))).containsExactly(denied.id());
        // the same tokens judged a year earlier: nothing has expired yet
        assertThat(search(null, "active", null, T0).total()).isEqualTo(4);
        assertThat(search(null, "expired", null, T0).total()).isZero();

        for (TokenRecord token : search(null, null, null, now).items()) {
            assertThat(search(null, token.effectiveStatus(now), null, now).items())
                    .contains(token);
        }
    }

    @Test
    void searchFiltersByOwnerAndByNameOrHint() {
        UserRecord bob = user("bob");
        TokenRecord deploy = insert("Nightly DEPLOY", T0, null, TokenStatus.ACTIVE);
        TokenRecord report = insert("report", T0.plusSeconds(1), null, TokenStatus.ACTIVE);
        TokenRecord bobs =
                db.tokens().insert(token("deploy for bob", bob, T0.plusSeconds(2), null, TokenStatus.ACTIVE));

        assertThat(ids(search(alice.id(), null, null, T0))).containsExactly(report.id(), deploy.id());
        assertThat(ids(search(bob.id(), null, null, T0))).containsExactly(bobs.id());
        assertThat(ids(search(null, null, "deploy", T0))).containsExactly(bobs.id(), deploy.id());
        assertThat(ids(search(alice.id(), null, "Deploy", T0))).containsExactly(deploy.id());
        assertThat(ids(search(null, null, report.hint(), T0))).containsExactly(report.id());
        assertThat(ids(search(null, null, "%", T0))).isEmpty();
        assertThat(ids(search(admin.id(), null, null, T0))).isEmpty();
    }

    @Test
    void searchPagesNewestFirstWithTotals() {
        for (int i = 0; i < 5; i++) {
            insert("t" + i, T0.plusSeconds(i), null, TokenStatus.ACTIVE);
        }
        // same creation instant: ordered by id
        TokenRecord tieA = db.tokens()
                .insert(new NewToken(
                        "tie-a",
                        digest(100),
                        "h",
                        "tie",
                        alice.id(),
                        admin.id(),
                        Scope.READ_WRITE,
                        List.of(),
                        null,
                        T0.plusSeconds(10),
                        TokenStatus.ACTIVE));
        TokenRecord tieB = db.tokens()
                .insert(new NewToken(
                        "tie-b",
                        digest(101),
                        "h",
                        "tie",
                        alice.id(),
                        admin.id(),
                        Scope.READ_WRITE,
                        List.of(),
                        null,
                        T0.plusSeconds(10),
                        TokenStatus.ACTIVE));

        Page<TokenRecord> first = db.tokens().search(new TokenQuery(null, null, null, T0, new PageRequest(0, 3)));
        assertThat(ids(first)).containsExactly(tieA.id(), tieB.id(), "tok5");
        assertThat(first.total()).isEqualTo(7);
        Page<TokenRecord> last = db.tokens().search(new TokenQuery(null, null, null, T0, new PageRequest(2, 3)));
        assertThat(ids(last)).containsExactly("tok1");
        assertThat(last.total()).isEqualTo(7);
        assertThat(last.page()).isEqualTo(2);
    }

    @Test
    void revokeIsCompareAndSet() {
        TokenRecord token = insert("to revoke", T0, null, TokenStatus.ACTIVE);
        Instant at = T0.plus(Duration.ofHours(1)).plusNanos(987);

        assertThat(db.tokens().revoke(token.id(), admin.id(), at)).isTrue();
        assertThat(db.tokens().revoke(token.id(), alice.id(), at.plusSeconds(5)))
                .isFalse();
        assertThat(db.tokens().revoke("unknown", admin.id(), at)).isFalse();

        TokenRecord revoked = db.tokens().findById(token.id()).orElseThrow();
        assertThat(revoked.status()).isEqualTo(TokenStatus.REVOKED);
        assertThat(revoked.revokedAt()).isEqualTo(at.truncatedTo(ChronoUnit.MICROS));
        assertThat(revoked.revokedByUsername()).isEqualTo("admin");
        assertThat(revoked.effectiveStatus(T0)).isEqualTo("revoked");
    }

    @Test
    void rotateReplacesTheDigestOfActiveTokensOnly() {
        TokenRecord token = insert("to rotate", T0, null, TokenStatus.ACTIVE);
        String newDigest = digest(5000);
        Instant at = T0.plusSeconds(30);

        assertThat(db.tokens().rotate(token.id(), token.digestHex(), newDigest, "newhint", at))
                .isTrue();
        assertThat(db.tokens().findByDigest(token.digestHex())).isEmpty();
        TokenRecord rotated = db.tokens().findByDigest(newDigest).orElseThrow();
        assertThat(rotated.id()).isEqualTo(token.id());
        assertThat(rotated.hint()).isEqualTo("newhint");
        assertThat(rotated.rotatedAt()).isEqualTo(at.truncatedTo(ChronoUnit.MICROS));
        assertThat(rotated.createdAt()).isEqualTo(token.createdAt());

        assertThat(db.tokens().revoke(token.id(), admin.id(), at)).isTrue();
        assertThat(db.tokens().rotate(token.id(), newDigest, digest(5001), "again", at))
                .isFalse();
        assertThat(db.tokens().findByDigest(digest(5001))).isEmpty();
        assertThat(db.tokens().findByDigest(newDigest)).isPresent();

        TokenRecord pending = insert("pending", T0, null, TokenStatus.PENDING);
        assertThat(db.tokens().rotate(pending.id(), pending.digestHex(), digest(5002), "p", at))
                .isFalse();
        assertThat(db.tokens().rotate("unknown", digest(5004), digest(5003), "u", at))
                .isFalse();
    }

    @Test
    void rotatingOntoATakenDigestIsADuplicateKey() {
        TokenRecord one = insert("one", T0, null, TokenStatus.ACTIVE);
        TokenRecord two = insert("two", T0, null, TokenStatus.ACTIVE);

        assertThatThrownBy(() -> db.tokens().rotate(one.id(), one.digestHex(), two.digestHex(), "x", T0))
                .isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void setStatusIsCompareAndSet() {
        TokenRecord token = insert("needs approval", T0, null, TokenStatus.PENDING);

        assertThat(db.tokens().setStatus(token.id(), TokenStatus.ACTIVE, TokenStatus.DENIED))
                .isFalse();
        assertThat(db.tokens().setStatus(token.id(), TokenStatus.PENDING, TokenStatus.ACTIVE))
                .isTrue();
        assertThat(db.tokens().setStatus(token.id(), TokenStatus.PENDING, TokenStatus.DENIED))
                .isFalse();
        assertThat(db.tokens().findById(token.id()).orElseThrow().status()).isEqualTo(TokenStatus.ACTIVE);

        assertThat(db.tokens().setStatus(token.id(), TokenStatus.ACTIVE, TokenStatus.REVOKED))
                .isTrue();
        assertThat(db.tokens().findById(token.id()).orElseThrow().revokedAt()).isNotNull();
    }

    @Test
    void recordUsesKeepsTheNewestUsePerToken() {
        TokenRecord one = insert("one", T0, null, TokenStatus.ACTIVE);
        TokenRecord two = insert("two", T0, null, TokenStatus.ACTIVE);
        Instant later = T0.plusSeconds(60).plusNanos(1_234_567);

        db.tokens()
                .recordUses(List.of(
                        new TokenUse(one.id(), T0.plusSeconds(10), "10.0.0.1", "curl/8.5"),
                        new TokenUse(one.id(), later, "10.0.0.2", "python-requests/2.32"),
                        new TokenUse(two.id(), T0.plusSeconds(5), "2001:db8::1", "x".repeat(400)),
                        new TokenUse("unknown", T0, "10.9.9.9", null)));

        TokenRecord usedOne = db.tokens().findById(one.id()).orElseThrow();
        assertThat(usedOne.lastUsedAt()).isEqualTo(later.truncatedTo(ChronoUnit.MICROS));
        assertThat(usedOne.lastUsedIp()).isEqualTo("10.0.0.2");
        assertThat(usedOne.lastUsedAgent()).isEqualTo("python-requests/2.32");
        TokenRecord usedTwo = db.tokens().findById(two.id()).orElseThrow();
        assertThat(usedTwo.lastUsedIp()).isEqualTo("2001:db8::1");
        assertThat(usedTwo.lastUsedAgent()).hasSize(255);

        // an older use arriving late (another node's batch) does not move last use backwards
        db.tokens().recordUses(List.of(new TokenUse(one.id(), T0.plusSeconds(20), "10.0.0.3", "late")));
        assertThat(db.tokens().findById(one.id()).orElseThrow().lastUsedIp()).isEqualTo("10.0.0.2");
        db.tokens().recordUses(List.of());
    }

    @Test
    void countActiveCountsOnlyUsableTokensOfTheOwner() {
        Instant now = T0.plus(Duration.ofDays(1));
        insert("active", T0, null, TokenStatus.ACTIVE);
        insert("active until tomorrow", T0, now.plusSeconds(1), TokenStatus.ACTIVE);
        insert("expired", T0, now, TokenStatus.ACTIVE);
        insert("revoked", T0, null, TokenStatus.REVOKED);
        insert("pending", T0, null, TokenStatus.PENDING);
        db.tokens().insert(token("admin's", admin, T0, null, TokenStatus.ACTIVE));

        assertThat(db.tokens().countActive(alice.id(), now)).isEqualTo(2);
        assertThat(db.tokens().countActive(admin.id(), now)).isEqualTo(1);
        assertThat(db.tokens().countActive(Long.MAX_VALUE, now)).isZero();
    }

    @Test
    void effectiveStatusLetsStoredStatesWinOverExpiry() {
        Instant expiry = T0.plusSeconds(100);
        TokenRecord active = insert("a", T0, expiry, TokenStatus.ACTIVE);
        TokenRecord pending = insert("p", T0, expiry, TokenStatus.PENDING);

        assertThat(active.isExpiredAt(expiry.minusNanos(1000))).isFalse();
        assertThat(active.isExpiredAt(expiry)).isTrue();
        assertThat(active.effectiveStatus(expiry.minusSeconds(1))).isEqualTo("active");
        assertThat(active.effectiveStatus(expiry)).isEqualTo("expired");
        assertThat(pending.effectiveStatus(expiry.plusSeconds(1))).isEqualTo("pending");
        assertThat(active.toString()).contains(active.id()).doesNotContain(active.digestHex());
    }

    @Test
    void invalidQueriesAndTokensAreRefused() {
        assertThatThrownBy(() -> new TokenQuery(null, "ACTIVE", null, T0, new PageRequest(0, 10)))
                .hasMessageContaining("ACTIVE");
        assertThatThrownBy(() -> new PageRequest(0, 501)).hasMessageContaining("501");
        assertThatThrownBy(() -> new PageRequest(-1, 10)).hasMessageContaining("-1");
        assertThatThrownBy(() -> db.tokens().findByDigest("not-hex")).hasMessageContaining("64 hex");
        assertThatThrownBy(() -> token("n", alice, T0, null, TokenStatus.ACTIVE)
                        .allowedIps()
                        .add("x"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new NewToken(
                        "i",
                        digest(1),
                        "h",
                        "n",
                        alice.id(),
                        alice.id(),
                        Scope.READ_WRITE,
                        List.of("10.0.0.0/8,10.1.0.0/16"),
                        null,
                        T0,
                        TokenStatus.ACTIVE))
                .hasMessageContaining("comma");
    }

    private Page<TokenRecord> search(Long ownerId, String status, String text, Instant now) {
        return db.tokens().search(new TokenQuery(ownerId, status, text, now, new PageRequest(0, 50)));
    }

    private static List<String> ids(Page<TokenRecord> page) {
        return page.items().stream().map(TokenRecord::id).toList();
    }
}
