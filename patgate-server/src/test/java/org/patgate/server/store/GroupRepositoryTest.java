package org.patgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class GroupRepositoryTest extends StoreTestBase {

    @Test
    void createdGroupIsFoundByNameIgnoringCase() {
        GroupRecord created = db.groups().create("Jira-Admins", "administrators");

        assertThat(created.id()).isPositive();
        assertThat(created.createdAt()).isNotNull();
        assertThat(db.groups().findByName("jira-admins")).contains(created);
        assertThat(db.groups().findByName("JIRA-ADMINS")).map(GroupRecord::name).contains("Jira-Admins");
        assertThat(db.groups().findByName("jira")).isEmpty();
    }

    @Test
    void groupNameDifferingOnlyInCaseIsADuplicateKey() {
        db.groups().create("developers", null);

        assertThatThrownBy(() -> db.groups().create("Developers", "again")).isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void listIsOrderedByNameIgnoringCase() {
        db.groups().create("beta", null);
        db.groups().create("Alpha", null);
        db.groups().create("gamma", null);

        assertThat(db.groups().list()).extracting(GroupRecord::name).containsExactly("Alpha", "beta", "gamma");
    }

    @Test
    void ensureReturnsTheExistingGroupOrCreatesIt() {
        GroupRecord existing = db.groups().create("ops", "operations");

        assertThat(db.groups().ensure("OPS", "ignored")).isEqualTo(existing);
        GroupRecord created = db.groups().ensure("auditors", "read the trail");
        assertThat(created.description()).isEqualTo("read the trail");
        assertThat(db.groups().list()).hasSize(2);
    }

    @Test
    void concurrentEnsureCreatesOneGroup() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<GroupRecord>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> db.groups().ensure("racers", null));
            }
            List<Long> ids = new ArrayList<>();
            for (Future<GroupRecord> result : pool.invokeAll(calls)) {
                ids.add(result.get().id());
            }
            assertThat(ids).containsOnly(ids.getFirst());
            assertThat(db.groups().list()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void addMemberIsIdempotentAndRemoveMemberReportsChange() {
        GroupRecord group = db.groups().create("users", null);
        UserRecord alice = user("alice");

        assertThat(db.groups().addMember(group.id(), alice.id())).isTrue();
        assertThat(db.groups().addMember(group.id(), alice.id())).isFalse();
        assertThat(db.groups().memberUsernames(group.id())).containsExactly("alice");

        assertThat(db.groups().removeMember(group.id(), alice.id())).isTrue();
        assertThat(db.groups().removeMember(group.id(), alice.id())).isFalse();
        assertThat(db.groups().memberUsernames(group.id())).isEmpty();
    }

    @Test
    void membershipListsAreSortedIgnoringCase() {
        GroupRecord zeta = db.groups().create("zeta", null);
        GroupRecord alpha = db.groups().create("Alpha", null);
        GroupRecord beta = db.groups().create("beta", null);
        UserRecord bob = user("bob");
        UserRecord anna = user("Anna");
        UserRecord carl = user("carl");
        for (GroupRecord group : List.of(zeta, alpha, beta)) {
            db.groups().addMember(group.id(), bob.id());
        }
        db.groups().addMember(alpha.id(), carl.id());
        db.groups().addMember(alpha.id(), anna.id());

        assertThat(db.groups().groupNamesOf(bob.id())).containsExactly("Alpha", "beta", "zeta");
        assertThat(db.groups().groupNamesOf(carl.id())).containsExactly("Alpha");
        assertThat(db.groups().groupNamesOf(Long.MAX_VALUE)).isEmpty();
        assertThat(db.groups().memberUsernames(alpha.id())).containsExactly("Anna", "bob", "carl");
    }

    @Test
    void addingAnUnknownUserIsAStoreErrorNotADuplicate() {
        GroupRecord group = db.groups().create("users", null);

        assertThatThrownBy(() -> db.groups().addMember(group.id(), Long.MAX_VALUE))
                .isInstanceOf(StoreException.class)
                .isNotInstanceOf(DuplicateKeyException.class)
                .hasMessageContaining("group " + group.id());
    }
}
