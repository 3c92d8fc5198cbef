package org.patgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The stored upstream links, the same on H2 and PostgreSQL: one per user, conditional status changes, cascade. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class UpstreamLinkRepositoryTest extends StoreTestBase {

    private static final Instant MICROS = T0.truncatedTo(ChronoUnit.MICROS);

    @Test
    void storedLinkIsReadBackAsWritten() {
        long alice = user("alice").id();
        UpstreamLinkRecord link = linked(alice, "k1", "ct-1");

        db.upstreamLinks().put(link);

        assertThat(db.upstreamLinks().find(alice)).contains(link);
        assertThat(db.upstreamLinks().find(alice + 1000)).isEmpty();
        assertThat(link.toString()).doesNotContain("ct-1");
    }

    @Test
    void aUserHasOneLinkAndPutReplacesIt() {
        long alice = user("alice").id();
        db.upstreamLinks().put(linked(alice, "k1", "ct-1"));
        UpstreamLinkRecord second = new UpstreamLinkRecord(
                alice,
                "minted",
                "42",
                "Alice",
                "k2",
                "bm9uY2U=",
                "ct-2",
                MICROS.plus(Duration.ofDays(90)),
                "linked",
                null,
                MICROS.plusSeconds(5),
                MICROS.plusSeconds(5),
                MICROS.plusSeconds(5));

        db.upstreamLinks().put(second);

        assertThat(db.upstreamLinks().find(alice)).contains(second);
        assertThat(db.upstreamLinks().keyIdsInUse()).containsExactly("k2");
    }

    @Test
    void markBrokenChangesOnlyALinkedLinkOnce() {
        long alice = user("alice").id();
        db.upstreamLinks().put(linked(alice, "k1", "ct-1"));

        assertThat(db.upstreamLinks().markBroken(alice, "401 from Jira", MICROS.plusSeconds(1)))
                .isTrue();
        assertThat(db.upstreamLinks().markBroken(alice, "again", MICROS.plusSeconds(2)))
                .isFalse();
        assertThat(db.upstreamLinks().markBroken(alice + 1000, "nobody", MICROS))
                .isFalse();

        UpstreamLinkRecord broken = db.upstreamLinks().find(alice).orElseThrow();
        assertThat(broken.status()).isEqualTo("broken");
        assertThat(broken.reason()).isEqualTo("401 from Jira");
        assertThat(broken.checkedAt()).isEqualTo(MICROS.plusSeconds(1));
        assertThat(broken.hasSecret()).as("kept until unlinked").isTrue();
    }

    @Test
    void markRevokedForgetsTheSecretOnce() {
        long alice = user("alice").id();
        db.upstreamLinks().put(linked(alice, "k1", "ct-1"));

        assertThat(db.upstreamLinks().markRevoked(alice, "user disabled", MICROS.plusSeconds(1)))
                .isTrue();
        assertThat(db.upstreamLinks().markRevoked(alice, "again", MICROS.plusSeconds(2)))
                .isFalse();

        UpstreamLinkRecord revoked = db.upstreamLinks().find(alice).orElseThrow();
        assertThat(revoked.status()).isEqualTo("revoked");
        assertThat(revoked.reason()).isEqualTo("user disabled");
        assertThat(revoked.keyId()).isNull();
        assertThat(revoked.nonce()).isNull();
        assertThat(revoked.ciphertext()).isNull();
        assertThat(db.upstreamLinks().keyIdsInUse()).isEmpty();
    }

    @Test
    void theSchemaRefusesASecretOnARevokedLinkAndAnUnknownStatus() throws SQLException {
        long alice = user("alice").id();
        db.upstreamLinks().put(linked(alice, "k1", "ct-1"));
        try (Connection connection = db.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate(
                            "UPDATE upstream_links SET status = 'revoked' WHERE user_id = " + alice))
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> statement.executeUpdate(
                            "UPDATE upstream_links SET status = 'fine' WHERE user_id = " + alice))
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> statement.executeUpdate(
                            "UPDATE upstream_links SET ciphertext = NULL WHERE user_id = " + alice))
                    .isInstanceOf(SQLException.class);
        }
    }

    @Test
    void resealReplacesTheSecretOnlyWhenTheRowStillHoldsWhatWasRead() {
        long alice = user("alice").id();
        UpstreamLinkRecord link = linked(alice, "k1", "ct-1");
        db.upstreamLinks().put(link);

        boolean resealed = db.inTransaction("reseal", () -> {
            assertThat(db.upstreamLinks().lockAllWithSecrets()).containsExactly(link);
            return db.upstreamLinks().reseal(link, "k2", "bm9uY2Uy", "ct-2");
        });

        assertThat(resealed).isTrue();
        assertThat(db.upstreamLinks().reseal(link, "k3", "bm9uY2Uz", "ct-3"))
                .as("stale")
                .isFalse();
        UpstreamLinkRecord now = db.upstreamLinks().find(alice).orElseThrow();
        assertThat(now.keyId()).isEqualTo("k2");
        assertThat(now.ciphertext()).isEqualTo("ct-2");
        assertThat(db.upstreamLinks().keyIdsInUse()).containsExactly("k2");
    }

    @Test
    void deletingTheUserDeletesTheLink() {
        UserRecord alice = user("alice");
        db.upstreamLinks().put(linked(alice.id(), "k1", "ct-1"));
        db.upstreamLinks().markRevoked(alice.id(), "user deleted", MICROS);

        assertThat(db.users().delete(alice.id())).isZero();

        assertThat(db.upstreamLinks().find(alice.id())).isEmpty();
    }

    private static UpstreamLinkRecord linked(long userId, String keyId, String ciphertext) {
        return new UpstreamLinkRecord(
                userId,
                "pasted",
                null,
                "alice",
                keyId,
                "bm9uY2U=",
                ciphertext,
                null,
                "linked",
                null,
                MICROS,
                MICROS,
                MICROS);
    }
}
