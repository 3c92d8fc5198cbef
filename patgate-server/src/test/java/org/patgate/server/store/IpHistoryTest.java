package org.patgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.patgate.core.token.Scope;
import org.patgate.server.activity.IpHistory;
import org.patgate.server.activity.TokenUseEvent;
import org.patgate.server.token.TokenQueries;

/**
 * The tokens' address history as the activity writer keeps it, on H2 and PostgreSQL: the newest 10
 * distinct addresses, first and last seen, the newest user agent, and one announcement per new address.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class IpHistoryTest extends StoreTestBase {

    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    private IpHistory history;
    private final List<IpHistory.NewAddress> announced = new ArrayList<>();

    @BeforeEach
    void token() {
        UserRecord alice = user("alice");
        db.tokens()
                .insert(new NewToken(
                        "t1",
                        String.format("%064x", 1),
                        "h",
                        "t1",
                        alice.id(),
                        alice.id(),
                        Scope.READ_WRITE,
                        List.of(),
                        null,
                        START,
                        TokenStatus.ACTIVE));
        history = new IpHistory(db.tokenAddresses(), new TokenQueries(db, Clock.systemUTC()));
        history.onNewAddress(announced::add);
    }

    private static TokenUseEvent use(String tokenId, String ip, Instant at, String agent) {
        return new TokenUseEvent(tokenId, at, "GET", "/rest/api/2/myself", 200, 1000, ip, agent);
    }

    @Test
    void aNewAddressIsStoredAndAnnouncedOnceAndItsLastUseMovesOn() {
        history.written(List.of(
                use("t1", "192.0.2.7", START, "cron/1"),
                use("t1", "192.0.2.7", START.plusSeconds(5), "cron/2"),
                use("t1", null, START, "x")));
        history.written(List.of(use("t1", "192.0.2.7", START.plus(Duration.ofMinutes(10)), "cron/3")));

        assertThat(announced).containsExactly(new IpHistory.NewAddress("t1", "192.0.2.7", "cron/2", START));
        assertThat(db.tokenAddresses().of("t1"))
                .containsExactly(
                        new TokenAddress("t1", "192.0.2.7", START, START.plus(Duration.ofMinutes(10)), "cron/3"));
    }

    @Test
    void onlyTheTenMostRecentlySeenAddressesAreKept() {
        for (int i = 0; i < 12; i++) {
            history.written(List.of(use("t1", "198.51.100." + i, START.plusSeconds(i), "a")));
        }

        assertThat(announced).hasSize(12);
        assertThat(db.tokenAddresses().of("t1"))
                .extracting(TokenAddress::address)
                .hasSize(IpHistory.KEPT)
                .startsWith("198.51.100.11")
                .doesNotContain("198.51.100.0", "198.51.100.1");
    }

    @Test
    void usesOfATokenDeletedMeanwhileAreSkippedWithoutAnnouncement() {
        history.written(List.of(use("gone", "192.0.2.9", START, "a"), use("t1", "192.0.2.9", START, "a")));

        assertThat(announced).extracting(IpHistory.NewAddress::tokenId).containsExactly("t1");
        assertThat(db.tokenAddresses().of("gone")).isEmpty();
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() {
        List<String> heard = new ArrayList<>();
        IpHistory withFailure = new IpHistory(db.tokenAddresses(), new TokenQueries(db, Clock.systemUTC()));
        withFailure.onNewAddress(news -> {
            throw new IllegalStateException("mail server down");
        });
        withFailure.onNewAddress(news -> heard.add(news.address()));

        withFailure.written(List.of(use("t1", "203.0.113.5", START, "a")));

        assertThat(heard).containsExactly("203.0.113.5");
    }
}
