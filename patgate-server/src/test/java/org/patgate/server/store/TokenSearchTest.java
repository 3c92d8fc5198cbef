package org.patgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.patgate.core.token.Scope;

/** The token manager's filters and orders give the same answers on H2 and PostgreSQL. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class TokenSearchTest extends StoreTestBase {

    private static final Duration DAY = Duration.ofDays(1);

    private UserRecord alice;
    private UserRecord bob;
    private int sequence;

    @BeforeEach
    void users() {
        alice = user("alice");
        bob = user("Bob");
    }

    private TokenRecord token(
            String name, UserRecord owner, Scope scope, Instant createdAt, Instant expiresAt, Instant lastUsedAt) {
        int n = ++sequence;
        TokenRecord token = db.tokens()
                .insert(new NewToken(
                        "tok" + n,
                        String.format("%064x", n),
                        "h" + n,
                        name,
                        owner.id(),
                        owner.id(),
                        scope,
                        List.of(),
                        expiresAt,
                        createdAt,
                        TokenStatus.ACTIVE));
        if (lastUsedAt != null) {
            db.tokens().recordUses(List.of(new TokenUse(token.id(), lastUsedAt, "192.0.2.1", "test")));
        }
        return token;
    }

    private List<String> names(TokenQuery query) {
        return db.tokens().search(query).items().stream().map(TokenRecord::name).toList();
    }

    private static TokenQuery query(Scope scope, Instant expiresBefore, Instant lastUsedBefore, TokenSort sort) {
        return new TokenQuery(null, null, null, scope, expiresBefore, lastUsedBefore, sort, T0, new PageRequest(0, 50));
    }

    @Test
    void filtersByScopeExpiryAndStaleness() {
        token("used-recently", alice, Scope.READ_ONLY, T0, T0.plus(DAY.multipliedBy(5)), T0.plus(DAY.multipliedBy(9)));
        token("used-long-ago", alice, Scope.READ_WRITE, T0, T0.plus(DAY.multipliedBy(20)), T0.plus(DAY));
        token("never-used-old", bob, Scope.READ_WRITE, T0, null, null);
        token("never-used-new", bob, Scope.READ_ONLY, T0.plus(DAY.multipliedBy(8)), null, null);
        Instant cut = T0.plus(DAY.multipliedBy(7));

        assertThat(names(query(Scope.READ_WRITE, null, null, TokenSort.NAME)))
                .containsExactly("never-used-old", "used-long-ago");
        assertThat(names(query(null, cut, null, TokenSort.NAME)))
                .as("never-expiring tokens do not match")
                .containsExactly("used-recently");
        assertThat(names(query(null, null, cut, TokenSort.NAME)))
                .as("never used counts when created before the cut")
                .containsExactly("never-used-old", "used-long-ago");
        assertThat(names(query(Scope.READ_ONLY, null, cut, null))).isEmpty();
    }

    @Test
    void sortsPutMissingExpiryLastAndNeverUsedFirstOnBothDatabases() {
        token("b-expires-soon", alice, Scope.READ_ONLY, T0, T0.plus(DAY), T0.plus(DAY.multipliedBy(3)));
        token("A-never-expires", bob, Scope.READ_ONLY, T0.plusSeconds(1), null, T0.plus(DAY));
        token("c-expires-later", alice, Scope.READ_ONLY, T0.plusSeconds(2), T0.plus(DAY.multipliedBy(9)), null);

        assertThat(names(query(null, null, null, TokenSort.EXPIRES)))
                .containsExactly("b-expires-soon", "c-expires-later", "A-never-expires");
        assertThat(names(query(null, null, null, TokenSort.EXPIRES_DESC)))
                .containsExactly("A-never-expires", "c-expires-later", "b-expires-soon");
        assertThat(names(query(null, null, null, TokenSort.LAST_USED)))
                .containsExactly("c-expires-later", "A-never-expires", "b-expires-soon");
        assertThat(names(query(null, null, null, TokenSort.LAST_USED_DESC)))
                .containsExactly("b-expires-soon", "A-never-expires", "c-expires-later");
        assertThat(names(query(null, null, null, TokenSort.NAME)))
                .as("ignoring case")
                .containsExactly("A-never-expires", "b-expires-soon", "c-expires-later");
        assertThat(names(query(null, null, null, TokenSort.OWNER_DESC)))
                .containsExactly("A-never-expires", "c-expires-later", "b-expires-soon");
        assertThat(names(query(null, null, null, TokenSort.CREATED)))
                .containsExactly("b-expires-soon", "A-never-expires", "c-expires-later");
        assertThat(names(query(null, null, null, null)))
                .as("default: newest first")
                .containsExactly("c-expires-later", "A-never-expires", "b-expires-soon");
    }

    @Test
    void countIsTheTotalOfTheFilterAcrossPages() {
        for (int i = 0; i < 5; i++) {
            token("stale-" + i, bob, Scope.READ_ONLY, T0.plusSeconds(i), null, null);
        }
        token("fresh", bob, Scope.READ_ONLY, T0, null, T0.plus(DAY));
        TokenQuery stale = query(null, null, T0.plusSeconds(60), TokenSort.NAME);

        Page<TokenRecord> second = db.tokens().search(stale.withPage(new PageRequest(1, 2)));

        assertThat(second.total()).isEqualTo(5);
        assertThat(second.items()).extracting(TokenRecord::name).containsExactly("stale-2", "stale-3");
    }

    @Test
    void sortNamesAreTheWireNames() {
        assertThat(TokenSort.fromWireName("-lastused")).isEqualTo(TokenSort.LAST_USED_DESC);
        assertThat(TokenSort.fromWireName("expires")).isEqualTo(TokenSort.EXPIRES);
        assertThatThrownBy(() -> TokenSort.fromWireName("colour"))
                .hasMessageContaining("colour")
                .hasMessageContaining("-lastUsed");
    }
}
