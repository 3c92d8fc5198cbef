package org.patgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.patgate.core.token.Scope;

/** Changing and deleting users, and counting group members, on H2 and PostgreSQL. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class UserChangesTest extends StoreTestBase {

    private int sequence;

    private TokenRecord token(UserRecord owner, UserRecord creator) {
        int n = ++sequence;
        return db.tokens()
                .insert(new NewToken(
                        "t" + n,
                        String.format("%064x", n),
                        "h" + n,
                        "n" + n,
                        owner.id(),
                        creator.id(),
                        Scope.READ_ONLY,
                        List.of(),
                        null,
                        T0,
                        TokenStatus.ACTIVE));
    }

    @Test
    void profileChangesKeepTheRest() {
        UserRecord carol = user("carol");

        assertThat(db.users().setProfile(carol.id(), "Carol C.", null)).isTrue();

        UserRecord changed = db.users().findById(carol.id()).orElseThrow();
        assertThat(changed.displayName()).isEqualTo("Carol C.");
        assertThat(changed.email()).isNull();
        assertThat(changed.username()).isEqualTo("carol");
        assertThat(db.users().setProfile(-1, "x", null)).isFalse();
    }

    @Test
    void deletingAUserDeletesTheirTokensActivityAndMemberships() {
        UserRecord dave = user("dave");
        GroupRecord group = db.groups().create("ops", null);
        db.groups().addMember(group.id(), dave.id());
        TokenRecord own = token(dave, dave);
        db.tokens().recordUses(List.of(new TokenUse(own.id(), T0, "192.0.2.1", "x")));
        ActivityRepository activity = db.activity();
        activity.append(List.of(new TokenRequestRecord(own.id(), T0, "GET", "/rest", 200, 1000, "192.0.2.1", "x")), 10);
        assertThat(activity.recent(own.id(), 10)).hasSize(1);

        assertThat(db.users().delete(dave.id())).isEqualTo(1);

        assertThat(db.users().findById(dave.id())).isEmpty();
        assertThat(db.tokens().findById(own.id())).isEmpty();
        assertThat(activity.recent(own.id(), 10)).isEmpty();
        assertThat(db.groups().memberUsernames(group.id())).isEmpty();
        assertThat(db.users().delete(dave.id())).as("already gone").isEqualTo(-1);
    }

    @Test
    void aUserNamedByOthersTokensIsKept() {
        UserRecord admin = user("admin");
        UserRecord erin = user("erin");
        TokenRecord forErin = token(erin, admin);

        assertThatThrownBy(() -> db.users().delete(admin.id()))
                .isInstanceOf(StillReferencedException.class)
                .hasMessageContaining("1 token");
        assertThat(db.users().findById(admin.id())).isPresent();

        db.tokens().revoke(forErin.id(), erin.id(), T0);
        assertThat(db.users().delete(erin.id()))
                .as("own tokens, even revoked by oneself, go with the user")
                .isEqualTo(1);
    }

    @Test
    void groupsAreListedWithMemberCounts() {
        GroupRecord empty = db.groups().create("Empty", "nobody here");
        GroupRecord two = db.groups().create("two", null);
        db.groups().addMember(two.id(), user("a").id());
        db.groups().addMember(two.id(), user("b").id());

        assertThat(db.groups().listWithMemberCounts())
                .containsExactly(new GroupRepository.GroupCount(empty, 0), new GroupRepository.GroupCount(two, 2));
    }

    private DataSource dataSource() {
        return db.dataSource();
    }
}
