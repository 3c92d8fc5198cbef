package org.patgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Several repository calls in one {@link Database#inTransaction}, on H2 and PostgreSQL. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class DatabaseTransactionTest extends StoreTestBase {

    @Test
    void everyCallCommitsTogether() {
        UserRecord dave = db.inTransaction("create dave in ops", () -> {
            UserRecord user = user("dave");
            GroupRecord group = db.groups().ensure("ops", null);
            db.groups().addMember(group.id(), user.id());
            return user;
        });

        assertThat(db.users().findById(dave.id())).isPresent();
        assertThat(db.groups().groupNamesOf(dave.id())).containsExactly("ops");
    }

    @Test
    void aFailureRollsBackEveryCallIncludingThoseWithTheirOwnTransaction() {
        assertThatThrownBy(() -> db.inTransaction("create erin, then fail", () -> {
                    UserRecord erin = user("erin"); // UserRepository.create runs its own transaction: it joins this one
                    db.groups().addMember(db.groups().ensure("ops", null).id(), erin.id());
                    db.audit().append(new NewAuditEvent(T0, "admin", "user.create", "erin", null, "success", null));
                    throw new IllegalStateException("planned");
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("planned");

        assertThat(db.users().findByUsername("erin")).isEmpty();
        assertThat(db.groups().findByName("ops")).isEmpty();
        assertThat(db.audit()
                        .search(new AuditQuery(null, null, null, null, null, new PageRequest(0, 10)))
                        .total())
                .isZero();
    }

    @Test
    void nestedTransactionsJoinTheOuterOne() {
        assertThatThrownBy(() -> db.inTransaction("outer", () -> {
                    db.inTransaction("inner", () -> {
                        user("frank");
                    });
                    assertThat(db.users().findByUsername("frank"))
                            .as("visible inside")
                            .isPresent();
                    throw new IllegalStateException("outer fails after the inner one returned");
                }))
                .isInstanceOf(IllegalStateException.class);

        assertThat(db.users().findByUsername("frank"))
                .as("the inner work went with the outer")
                .isEmpty();
    }

    @Test
    void aDuplicateKeyInsideRollsBackAndReachesTheCaller() {
        user("gina");

        assertThatThrownBy(() -> db.inTransaction("create ops and gina again", () -> {
                    db.groups().ensure("ops", null);
                    return user("gina");
                }))
                .isInstanceOf(DuplicateKeyException.class);

        assertThat(db.groups().findByName("ops")).isEmpty();
        assertThat(db.users().count()).isEqualTo(1);
    }
}
