package org.patgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class UserRepositoryTest extends StoreTestBase {

    private static final String HASH = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

    @Test
    void createdUserRoundTripsEveryField() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UserRecord created = db.users()
                .create(new NewUser("Alice", "Alice Liddell", "alice@example.org", HASH, NewUser.SOURCE_LOCAL, true));
        Instant after = Instant.now();

        assertThat(created.id()).isPositive();
        assertThat(created.username()).isEqualTo("Alice");
        assertThat(created.displayName()).isEqualTo("Alice Liddell");
        assertThat(created.email()).isEqualTo("alice@example.org");
        assertThat(created.passwordHash()).isEqualTo(HASH);
        assertThat(created.source()).isEqualTo("local");
        assertThat(created.enabled()).isTrue();
        assertThat(created.createdAt()).isBetween(before, after).isEqualTo(created.updatedAt());
        assertThat(db.users().findById(created.id())).contains(created);
    }

    @Test
    void directoryUserWithoutOptionalFieldsRoundTrips() {
        UserRecord created = db.users().create(new NewUser("bob", null, null, null, NewUser.SOURCE_LDAP, false));

        assertThat(db.users().findByUsername("bob")).hasValueSatisfying(found -> {
            assertThat(found).isEqualTo(created);
            assertThat(found.displayName()).isNull();
            assertThat(found.email()).isNull();
            assertThat(found.passwordHash()).isNull();
            assertThat(found.source()).isEqualTo("ldap");
            assertThat(found.enabled()).isFalse();
        });
    }

    @Test
    void usernameLookupIgnoresCaseAndKeepsTheOriginalSpelling() {
        user("Carol.Smith");

        assertThat(db.users().findByUsername("carol.smith"))
                .map(UserRecord::username)
                .contains("Carol.Smith");
        assertThat(db.users().findByUsername("CAROL.SMITH"))
                .map(UserRecord::username)
                .contains("Carol.Smith");
        assertThat(db.users().findByUsername("carol")).isEmpty();
        assertThat(db.users().findById(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void usernameDifferingOnlyInCaseIsADuplicateKey() {
        user("dave");

        assertThatThrownBy(() -> user("DAVE")).isInstanceOf(DuplicateKeyException.class);
        assertThat(db.users().count()).isEqualTo(1);
    }

    @Test
    void listFiltersByUsernameOrDisplayNameIgnoringCaseAndPagesWithTotals() {
        for (String name : new String[] {"erin", "Frank", "grace", "Heidi", "ivan"}) {
            user(name);
        }
        db.users().create(new NewUser("zed", "Frankie Z", null, null, NewUser.SOURCE_LOCAL, true));

        Page<UserRecord> all = db.users().list(null, new PageRequest(0, 4));
        assertThat(all.items()).extracting(UserRecord::username).containsExactly("erin", "Frank", "grace", "Heidi");
        assertThat(all.total()).isEqualTo(6);
        assertThat(all.page()).isZero();
        assertThat(all.size()).isEqualTo(4);

        Page<UserRecord> second = db.users().list("", new PageRequest(1, 4));
        assertThat(second.items()).extracting(UserRecord::username).containsExactly("ivan", "zed");
        assertThat(second.total()).isEqualTo(6);

        Page<UserRecord> frank = db.users().list("FRANK", new PageRequest(0, 10));
        assertThat(frank.items()).extracting(UserRecord::username).containsExactly("Frank", "zed");
        assertThat(frank.total()).isEqualTo(2);

        assertThat(db.users().list("nobody-matches", new PageRequest(0, 10)).total())
                .isZero();
        assertThat(db.users().list(null, new PageRequest(5, 10)).items()).isEmpty();
    }

    @Test
    void listTreatsLikeWildcardsLiterally() {
        user("a_b");
        user("axb");
        db.users().create(new NewUser("pct", "100% sure", null, null, NewUser.SOURCE_LOCAL, true));

        assertThat(db.users().list("a_b", new PageRequest(0, 10)).items())
                .extracting(UserRecord::username)
                .containsExactly("a_b");
        assertThat(db.users().list("%", new PageRequest(0, 10)).items())
                .extracting(UserRecord::username)
                .containsExactly("pct");
    }

    @Test
    void setEnabledChangesOnlyExistingUsersAndTouchesUpdatedAt() {
        UserRecord created = user("judy");

        assertThat(db.users().setEnabled(created.id(), false)).isTrue();
        UserRecord disabled = db.users().findById(created.id()).orElseThrow();
        assertThat(disabled.enabled()).isFalse();
        assertThat(disabled.updatedAt()).isAfterOrEqualTo(created.updatedAt());
        assertThat(disabled.createdAt()).isEqualTo(created.createdAt());
        assertThat(db.users().setEnabled(Long.MAX_VALUE, false)).isFalse();
    }

    @Test
    void setPasswordHashReplacesAndClearsTheHash() {
        UserRecord created = user("mallory");

        assertThat(db.users().setPasswordHash(created.id(), HASH)).isTrue();
        assertThat(db.users().findById(created.id()).orElseThrow().passwordHash())
                .isEqualTo(HASH);
        assertThat(db.users().setPasswordHash(created.id(), null)).isTrue();
        assertThat(db.users().findById(created.id()).orElseThrow().passwordHash())
                .isNull();
        assertThat(db.users().setPasswordHash(Long.MAX_VALUE, HASH)).isFalse();
    }

    @Test
    void countCountsAllUsers() {
        assertThat(db.users().count()).isZero();
        user("oscar");
        user("peggy");
        assertThat(db.users().count()).isEqualTo(2);
    }

    @Test
    void toStringNeverShowsThePasswordHash() {
        UserRecord created = db.users().create(new NewUser("trent", null, null, HASH, NewUser.SOURCE_LOCAL, true));
        NewUser newUser = new NewUser("trent", null, null, HASH, NewUser.SOURCE_LOCAL, true);

        assertThat(created.toString()).contains("trent").doesNotContain(HASH);
        assertThat(newUser.toString()).contains("trent").doesNotContain(HASH);
    }

    @Test
    void invalidUsersAreRefusedBeforeReachingTheDatabase() {
        assertThatThrownBy(() -> new NewUser(" ", null, null, null, "local", true))
                .hasMessageContaining("username");
        assertThatThrownBy(() -> new NewUser("x", null, null, null, "kerberos", true))
                .hasMessageContaining("source");
        assertThatThrownBy(() -> new NewUser("x", null, null, "h".repeat(256), "local", true))
                .hasMessageContaining("passwordHash")
                .hasMessageNotContaining("hhhh");
    }
}
