package org.patgate.server.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.patgate.server.auth.LoginThrottle;

/** The cap on parallel Argon2id checks, with the real hasher, and the throttle counting attempts as they start. */
class PasswordCheckLimitTest {

    private static final String PASSWORD = "the-right-password";

    @Test
    void capIsAQuarterOfTheHeapInNineteenMebibyteChecksAtMostOnePerCore() {
        assertThat(PasswordCheckLimit.permitsFor(256L << 20, 4)).isEqualTo(3);
        assertThat(PasswordCheckLimit.permitsFor(256L << 20, 2)).isEqualTo(2);
        assertThat(PasswordCheckLimit.permitsFor(1L << 30, 8)).isEqualTo(8);
        assertThat(PasswordCheckLimit.permitsFor(1L << 30, 32)).isEqualTo(12);
        assertThat(PasswordCheckLimit.permitsFor(8L << 30, 4)).isEqualTo(4);
        assertThat(PasswordCheckLimit.permitsFor(32L << 20, 16))
                .as("never zero")
                .isEqualTo(1);
    }

    @Test
    void neverMoreChecksRunThanTheCapAndTheExcessIsRefused() throws Exception {
        PasswordHasher hasher = new PasswordHasher(new PasswordCheckLimit("password checks", 2, 0, Duration.ZERO));
        String hash = hasher.hash(PASSWORD.toCharArray());
        int callers = 24;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        return hasher.verify("wrong-password".toCharArray(), hash) ? "match" : "mismatch";
                    } catch (PasswordChecksBusyException e) {
                        return "busy";
                    }
                }));
            }
            start.countDown();
            List<String> outcomes = new ArrayList<>();
            for (Future<String> result : results) {
                outcomes.add(result.get(60, TimeUnit.SECONDS));
            }
            assertThat(outcomes).doesNotContain("match").contains("busy", "mismatch");
        }
        assertThat(hasher.peakComputing()).as("Argon2id computations at once").isBetween(1, 2);
    }

    @Test
    void aCheckBeyondTheCapIsRefusedAtOnceWithoutHashing() throws Exception {
        PasswordCheckLimit limit = new PasswordCheckLimit("password checks", 1, 0, Duration.ZERO);
        PasswordHasher hasher = new PasswordHasher(limit);
        String hash = hasher.hash(PASSWORD.toCharArray());
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofVirtual()
                .start(() -> limit.run(() -> {
                    holding.countDown();
                    awaitQuietly(release);
                    return null;
                }));
        try {
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            long started = System.nanoTime();
            assertThatThrownBy(() -> hasher.verify(PASSWORD.toCharArray(), hash))
                    .isInstanceOf(PasswordChecksBusyException.class)
                    .hasMessageContaining("too many password checks")
                    .satisfies(e -> assertThat(((PasswordChecksBusyException) e).retryAfter())
                            .isPositive());
            // Generous bound for a loaded machine; a hash alone takes tens of milliseconds.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            assertThat(hasher.peakComputing())
                    .as("only the set-up hash ever ran")
                    .isEqualTo(1);
        } finally {
            release.countDown();
            holder.join();
        }
        assertThat(hasher.verify(PASSWORD.toCharArray(), hash))
                .as("a free slot checks again")
                .isTrue();
    }

    @Test
    void onlyABoundedNumberMayWaitAndOnlyForTheBoundedTime() throws Exception {
        PasswordCheckLimit limit = new PasswordCheckLimit("password checks", 1, 1, Duration.ofMillis(300));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofVirtual()
                .start(() -> limit.run(() -> {
                    holding.countDown();
                    awaitQuietly(release);
                    return null;
                }));
        try {
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            CountDownLatch waiting = new CountDownLatch(1);
            Thread waiter = Thread.ofVirtual().start(() -> {
                waiting.countDown();
                assertThatThrownBy(() -> limit.run(() -> null)).isInstanceOf(PasswordChecksBusyException.class);
            });
            waiting.await();
            Thread.sleep(50); // let the waiter take the one waiting place
            assertThatThrownBy(() -> limit.run(() -> null))
                    .as("the second waiter is refused at once")
                    .isInstanceOf(PasswordChecksBusyException.class);
            waiter.join(Duration.ofSeconds(10));
            assertThat(waiter.isAlive())
                    .as("the waiter gave up after its bounded wait")
                    .isFalse();
        } finally {
            release.countDown();
            holder.join();
        }
        assertThat(limit.running()).isZero();
    }

    @Test
    void theThrottleCountsParallelAttemptsAsTheyStart() throws Exception {
        LoginThrottle throttle = new LoginThrottle(10, Duration.ofMinutes(5));
        int attempts = 500;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<LoginThrottle.Start>> started = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < attempts; i++) {
                started.add(pool.submit(() -> {
                    start.await();
                    return throttle.tryStart("192.0.2.7");
                }));
            }
            start.countDown();
            List<LoginThrottle.Start> outcomes = new ArrayList<>();
            for (Future<LoginThrottle.Start> result : started) {
                outcomes.add(result.get());
            }
            assertThat(outcomes)
                    .filteredOn(o -> o == LoginThrottle.Start.STARTED)
                    .hasSize(10);
            assertThat(outcomes)
                    .filteredOn(o -> o == LoginThrottle.Start.BUSY)
                    .as("not failures yet")
                    .hasSize(490);
        }
        for (int i = 0; i < 9; i++) {
            throttle.finish("192.0.2.7", true);
        }
        throttle.finish("192.0.2.7", false);
        assertThat(throttle.allows("192.0.2.7")).as("nine failures of ten").isTrue();
        assertThat(throttle.tryStart("192.0.2.7"))
                .as("the right password gave its place back")
                .isEqualTo(LoginThrottle.Start.STARTED);
        throttle.finish("192.0.2.7", true);
        assertThat(throttle.tryStart("192.0.2.7")).isEqualTo(LoginThrottle.Start.THROTTLED);
        assertThat(throttle.allows("192.0.2.7")).isFalse();
        assertThat(throttle.tryStart("192.0.2.8"))
                .as("other addresses are not affected")
                .isEqualTo(LoginThrottle.Start.STARTED);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
