package org.patgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.patgate.core.token.Scope;

@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class UsageRepositoryTest extends StoreTestBase {

    private static final Instant HOUR = T0.truncatedTo(ChronoUnit.HOURS);

    private UsageRepository usage;

    @BeforeEach
    void tokens() {
        usage = db.usage();
        UserRecord alice = user("alice");
        for (String id : List.of("t1", "t2")) {
            db.tokens()
                    .insert(new NewToken(
                            id,
                            String.format("%064x", id.hashCode()),
                            "h",
                            id,
                            alice.id(),
                            alice.id(),
                            Scope.READ_WRITE,
                            List.of(),
                            null,
                            T0,
                            TokenStatus.ACTIVE));
        }
    }

    private static Map<UsageRepository.HourKey, long[]> counts(Object... idAtRequestsFailed) {
        Map<UsageRepository.HourKey, long[]> counts = new LinkedHashMap<>();
        for (int i = 0; i < idAtRequestsFailed.length; i += 4) {
            counts.put(
                    new UsageRepository.HourKey((String) idAtRequestsFailed[i], (Instant) idAtRequestsFailed[i + 1]),
                    new long[] {(Integer) idAtRequestsFailed[i + 2], (Integer) idAtRequestsFailed[i + 3]});
        }
        return counts;
    }

    @Test
    void addingToTheSameHourSumsAndOtherHoursAndTokensStaySeparate() {
        usage.add(counts("t1", T0, 5, 1, "t1", T0.plus(Duration.ofHours(2)), 7, 0, "t2", T0, 3, 3));
        usage.add(counts("t1", T0.plus(Duration.ofMinutes(20)), 10, 2));

        assertThat(usage.between("t1", HOUR.minus(Duration.ofDays(1)), HOUR.plus(Duration.ofDays(1))))
                .containsExactly(new HourlyUsage(HOUR, 15, 3), new HourlyUsage(HOUR.plus(Duration.ofHours(2)), 7, 0));
        assertThat(usage.between("t2", HOUR, HOUR.plus(Duration.ofHours(1))))
                .containsExactly(new HourlyUsage(HOUR, 3, 3));
    }

    @Test
    void theRangeIsHalfOpenOnWholeHours() {
        usage.add(counts(
                "t1", T0, 1, 0, "t1", T0.plus(Duration.ofHours(1)), 2, 0, "t1", T0.plus(Duration.ofHours(2)), 4, 0));

        assertThat(usage.between("t1", HOUR.plus(Duration.ofHours(1)), HOUR.plus(Duration.ofHours(2))))
                .extracting(HourlyUsage::requests)
                .containsExactly(2L);
    }

    @Test
    void countersOfADeletedTokenAreSkippedAndDeletedWithIt() {
        usage.add(counts("t1", T0, 1, 0));
        usage.add(counts("gone", T0, 9, 9, "t1", T0, 1, 0));

        assertThat(usage.between("t1", HOUR, HOUR.plus(Duration.ofHours(1))))
                .containsExactly(new HourlyUsage(HOUR, 2, 0));
        assertThat(usage.between("gone", HOUR, HOUR.plus(Duration.ofHours(1)))).isEmpty();
    }

    @Test
    void expiryDeletesOnlyHoursThatStartedBeforeTheCutoff() {
        usage.add(counts("t1", T0, 1, 0, "t1", T0.plus(Duration.ofHours(1)), 2, 0));

        assertThat(usage.expireBefore(HOUR.plus(Duration.ofMinutes(30)))).isEqualTo(1);
        assertThat(usage.between("t1", HOUR, HOUR.plus(Duration.ofDays(1))))
                .containsExactly(new HourlyUsage(HOUR.plus(Duration.ofHours(1)), 2, 0));
    }
}
