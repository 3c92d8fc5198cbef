package org.patgate.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.policy.RateLimit;
import org.patgate.server.testing.MutableClock;

/** The buckets on the server's clock: refill, Retry-After rounding, a changed limit's fresh bucket, validation. */
class RateLimiterTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T12:00:00Z"));
    final RateLimiter limiter = new RateLimiter(clock, 1_000);

    @Test
    void retryAfterIsTheWaitForOneRequestRoundedUp() {
        AppliedLimit limit = AppliedLimit.of("token:a", new RateLimit(null, 7, null, null), "the token");
        for (int i = 0; i < 7; i++) {
            assertThat(limiter.consume(limit).allowed()).isTrue();
        }

        Usage refused = limiter.consume(limit);

        // 60/7 = 8.57 s until one request is back: 9 whole seconds.
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(9);
        assertThat(refused.refusalDetail())
                .isEqualTo("rate limit exceeded: 7 requests per minute, set by the token; retry after 9 seconds");
        clock.advance(Duration.ofMillis(8_571));
        assertThat(limiter.consume(limit).allowed()).isFalse();
        clock.advance(Duration.ofMillis(2));
        assertThat(limiter.consume(limit).allowed()).isTrue();
    }

    @Test
    void aChangedLimitStartsAFreshBucketAndPeekCountsNothing() {
        AppliedLimit one = AppliedLimit.of("token:b", new RateLimit(null, 1, null, null), "the token");
        AppliedLimit two = AppliedLimit.of("token:b", new RateLimit(null, 2, null, null), "the token");
        assertThat(limiter.consume(one).allowed()).isTrue();
        assertThat(limiter.consume(one).allowed()).isFalse();

        assertThat(limiter.peek(two).remaining()).containsExactly(2);
        assertThat(limiter.peek(two).remaining()).containsExactly(2);
        assertThat(limiter.consume(two).limitField()).isEqualTo("\"per-minute\";r=1;t=30");
    }

    @Test
    void everyWindowIsAnItemOfBothFields() {
        AppliedLimit limit = AppliedLimit.of("user:7", new RateLimit(5, 100, 1000, 10), "user 'bob'");

        Usage usage = limiter.consume(limit);

        assertThat(usage.policyField())
                .isEqualTo("\"per-second\";q=5;w=1, \"per-minute\";q=100;w=60, \"per-day\";q=1000;w=86400");
        assertThat(usage.limitField())
                .isEqualTo("\"per-second\";r=9;t=1, \"per-minute\";r=99;t=1, \"per-day\";r=999;t=87");
    }

    @Test
    void roomIsMadeFromBucketsFullAgainFirstAndThenTheLongestIdle() {
        RateLimiter small = new RateLimiter(clock, 2);
        AppliedLimit busy = AppliedLimit.of("token:busy", new RateLimit(null, 10, null, null), "the token");
        AppliedLimit idle = AppliedLimit.of("token:idle", new RateLimit(null, 10, null, null), "the token");
        small.consume(idle);
        clock.advance(Duration.ofSeconds(61)); // idle is full again now; busy is used from here on
        small.consume(busy);
        small.consume(busy);

        small.consume(AppliedLimit.of("token:new", new RateLimit(null, 10, null, null), "the token"));

        // The full one was forgotten, the busy one kept its count.
        assertThat(small.size()).isEqualTo(2);
        assertThat(small.peek(busy).remaining()).containsExactly(8);
        clock.advance(Duration.ofMillis(1));
        small.consume(AppliedLimit.of("token:newer", new RateLimit(null, 10, null, null), "the token"));
        assertThat(small.size()).isLessThanOrEqualTo(2);
    }

    @Test
    void aLongIdleTimeFillsTheBucketWithoutOverflowAndAClockSetBackFillsNothing() {
        AppliedLimit limit =
                AppliedLimit.of("token:c", new RateLimit(RateLimit.MAX, null, RateLimit.MAX, null), "the token");
        limiter.consume(limit);
        clock.advance(Duration.ofDays(365L * 200));
        assertThat(limiter.consume(limit).remaining()).containsExactly(RateLimit.MAX - 1L, RateLimit.MAX - 1L);

        AppliedLimit one = AppliedLimit.of("token:d", new RateLimit(null, 1, null, null), "the token");
        assertThat(limiter.consume(one).allowed()).isTrue();
        clock.advance(Duration.ofSeconds(-120));
        assertThat(limiter.consume(one).allowed()).isFalse();
        clock.advance(Duration.ofSeconds(120 + 60));
        assertThat(limiter.consume(one).allowed()).isTrue();
    }

    @Test
    void badLimitsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> new RateLimit(0, null, null, null))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("perSecond");
        assertThatThrownBy(() -> new RateLimit(null, null, RateLimit.MAX + 1, null))
                .hasMessageContaining("perDay");
        assertThatThrownBy(() -> new RateLimit(null, 5, null, 3))
                .hasMessageContaining("burst")
                .hasMessageContaining("perSecond");
        assertThatThrownBy(() -> new RateLimit(10, null, null, 9)).hasMessageContaining("at least perSecond (10)");
        assertThat(new RateLimit(10, null, null, null).exceeding(new RateLimit(20, 100, null, 40)))
                .isEqualTo("unlimited requests per minute (at most 100)");
    }
}
