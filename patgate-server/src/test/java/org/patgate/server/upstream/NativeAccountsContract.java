package org.patgate.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.testing.FakeAccounts.NativeToken;
import org.patgate.server.testing.FakeAtlassian;
import org.patgate.server.testing.FakeAtlassian.Breakage;
import org.patgate.server.testing.MutableClock;

/**
 * What every product's {@link NativeAccounts} must do, run against a fake of the product over real sockets.
 * Each product's test names the product and the context path its fake runs under.
 */
abstract class NativeAccountsContract {

    static final String PASSWORD = "correct hörse battery";
    static final Duration CONNECT = Duration.ofSeconds(2);
    static final Duration READ = Duration.ofSeconds(5);

    MutableClock clock;
    FakeAtlassian product;
    NativeAccounts accounts;
    final List<String> secrets = new ArrayList<>(List.of(PASSWORD));

    abstract UpstreamProduct product();

    /** The context path the product runs under, "" for the root. */
    abstract String contextPath();

    @BeforeEach
    void startProduct() throws Exception {
        clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
        product = FakeAtlassian.start(product(), clock, contextPath());
        product.addUser("alice", PASSWORD, "Alice Example").addUser("bob", "bobs password", "Bob Example");
        secrets.add("bobs password");
        accounts = AtlassianAccounts.forProduct(product(), URI.create(product.url()), CONNECT, READ);
    }

    @AfterEach
    void stopProduct() throws Exception {
        product.close();
    }

    NativeToken seed(String username, Duration lifetime) {
        NativeToken token = product.seedToken(username, "seeded", lifetime);
        secrets.add(token.secret());
        return token;
    }

    /** Asserts the failure and that its message carries none of the secrets the test used. */
    <T extends Throwable> T failsWith(Class<T> type, Runnable call) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call::run);
        assertThat(thrown).isInstanceOf(type);
        for (String secret : secrets) {
            assertThat(thrown.getMessage()).doesNotContain(secret);
            assertThat(String.valueOf(thrown.getCause())).doesNotContain(secret);
        }
        return type.cast(thrown);
    }

    @Test
    void aValidTokenIsItsOwner() {
        NativeToken token = seed("alice", Duration.ofDays(30));

        assertThat(accounts.whoAmI(token.secret())).isEqualTo(new NativeAccount("alice", "Alice Example"));
        assertThat(product.last().header("Authorization")).contains("Bearer " + token.secret());
    }

    @Test
    void anUnknownTokenIsRejected() {
        seed("alice", Duration.ofDays(30));
        String unknown = "MTIzNDU2Nzg5MDEyOnVua25vd24tdG9rZW4tdmFsdWU=";
        secrets.add(unknown);

        failsWith(NativeTokenRejectedException.class, () -> accounts.whoAmI(unknown));
    }

    @Test
    void anExpiredTokenIsRejected() {
        NativeToken token = seed("alice", Duration.ofDays(1));
        assertThat(accounts.whoAmI(token.secret()).username()).isEqualTo("alice");

        clock.advance(Duration.ofDays(1).plusSeconds(1));

        failsWith(NativeTokenRejectedException.class, () -> accounts.whoAmI(token.secret()));
    }

    @Test
    void aTokenRevokedInTheProductIsRejected() {
        NativeToken token = seed("alice", Duration.ofDays(30));

        assertThat(product.revokeInUi(token.id())).isTrue();

        failsWith(NativeTokenRejectedException.class, () -> accounts.whoAmI(token.secret()));
    }

    @Test
    void aTokenWithCharactersNoTokenHasIsRejectedWithoutAsking() {
        failsWith(NativeTokenRejectedException.class, () -> accounts.whoAmI("abc\r\nX-Injected: 1"));
        failsWith(NativeTokenRejectedException.class, () -> accounts.whoAmI(""));

        assertThat(product.requestCount()).isZero();
    }

    @Test
    void aProductThatIsDownIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        NativeAccounts down = AtlassianAccounts.forProduct(
                product(), URI.create("http://127.0.0.1:" + closedPort + contextPath()), CONNECT, READ);
        NativeToken token = seed("alice", Duration.ofDays(30));

        failsWith(UpstreamUnavailableException.class, () -> down.whoAmI(token.secret()));
        failsWith(
                UpstreamUnavailableException.class,
                () -> down.mint("alice", PASSWORD.toCharArray(), "patgate", Duration.ofDays(30)));
    }

    @Test
    void aProductThatNeverAnswersIsUnavailable() {
        NativeToken token = seed("alice", Duration.ofDays(30));
        NativeAccounts impatient =
                AtlassianAccounts.forProduct(product(), URI.create(product.url()), CONNECT, Duration.ofMillis(200));
        product.breakWith(Breakage.SILENT);

        failsWith(UpstreamUnavailableException.class, () -> impatient.whoAmI(token.secret()));
    }

    @ParameterizedTest
    @EnumSource(
            value = Breakage.class,
            names = {"SERVER_ERROR", "NOT_JSON", "HUGE_BODY", "WRONG_USER_HEADER"})
    void aProductAnsweringWhatItNeverSendsIsUnavailable(Breakage breakage) {
        NativeToken token = seed("alice", Duration.ofDays(30));
        product.breakWith(breakage);

        failsWith(UpstreamUnavailableException.class, () -> accounts.whoAmI(token.secret()));
    }

    @Test
    void mintingWithThePasswordGivesATokenThatWorks() {
        char[] password = PASSWORD.toCharArray();

        MintedNativeToken minted = accounts.mint("alice", password, "PATgate", Duration.ofDays(30));
        secrets.add(minted.secret());

        assertThat(accounts.whoAmI(minted.secret()).username()).isEqualTo("alice");
        assertThat(minted.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(30)));
        assertThat(product.accounts().token(minted.id()))
                .map(NativeToken::owner)
                .contains("alice");
        assertThat(minted.toString()).doesNotContain(minted.secret());
        assertThat(password).as("the caller's array is the caller's").isEqualTo(PASSWORD.toCharArray());
        assertThat(product.received())
                .filteredOn(r -> !r.method().equals("GET") || !r.path().contains("whoami"))
                .filteredOn(r -> r.header("Authorization").orElse("").startsWith("Basic "))
                .isNotEmpty();
    }

    @Test
    void aProductFailingToMintIsUnavailableWithoutBlamingTheCaps() {
        product.breakWith(Breakage.SERVER_ERROR);

        UpstreamUnavailableException failed = failsWith(
                UpstreamUnavailableException.class,
                () -> accounts.mint("alice", PASSWORD.toCharArray(), "PATgate", Duration.ofDays(30)));

        assertThat(failed.getMessage()).contains("500").doesNotContain("limits");
    }

    @Test
    void oneInstanceServesManyThreadsAtOnce() throws Exception {
        NativeToken alices = seed("alice", Duration.ofDays(30));
        NativeToken bobs = seed("bob", Duration.ofDays(30));
        List<java.util.concurrent.Future<String>> answers = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 40; i++) {
                NativeToken token = i % 2 == 0 ? alices : bobs;
                answers.add(threads.submit(() -> accounts.whoAmI(token.secret()).username()));
            }
        }

        for (int i = 0; i < answers.size(); i++) {
            assertThat(answers.get(i).get()).isEqualTo(i % 2 == 0 ? "alice" : "bob");
        }
    }

    @Test
    void theLifetimeIsRoundedUpToWholeDays() {
        MintedNativeToken minted = accounts.mint("alice", PASSWORD.toCharArray(), "PATgate", Duration.ofHours(25));

        assertThat(minted.expiresAt())
                .isEqualTo(clock.instant().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void aWrongPasswordIsRejected() {
        secrets.add("not the password");

        failsWith(
                NativeTokenRejectedException.class,
                () -> accounts.mint("alice", "not the password".toCharArray(), "PATgate", Duration.ofDays(30)));
        failsWith(
                NativeTokenRejectedException.class,
                () -> accounts.mint("nobody", PASSWORD.toCharArray(), "PATgate", Duration.ofDays(30)));
        assertThat(product.tokensOf("alice")).isEmpty();
    }

    @Test
    void aLifetimeOverTheProductsCapIsRefusedSayingWhy() {
        product.accounts().maxLifetimeDays(90);

        UpstreamUnavailableException refused = failsWith(
                UpstreamUnavailableException.class,
                () -> accounts.mint("alice", PASSWORD.toCharArray(), "PATgate", Duration.ofDays(91)));

        assertThat(refused.getMessage()).contains("400", "90", "lifetime");
        assertThat(accounts.mint("alice", PASSWORD.toCharArray(), "PATgate", Duration.ofDays(90))
                        .expiresAt())
                .isEqualTo(clock.instant().plus(Duration.ofDays(90)));
    }

    @Test
    void theProductsTokenCountCapIsRefusedSayingWhy() {
        product.accounts().maxTokensPerUser(2);
        accounts.mint("alice", PASSWORD.toCharArray(), "one", Duration.ofDays(30));
        accounts.mint("alice", PASSWORD.toCharArray(), "two", Duration.ofDays(30));

        UpstreamUnavailableException refused = failsWith(
                UpstreamUnavailableException.class,
                () -> accounts.mint("alice", PASSWORD.toCharArray(), "three", Duration.ofDays(30)));

        assertThat(refused.getMessage()).contains("maximum number of tokens", "revoke an old token");
        assertThat(product.tokensOf("alice")).hasSize(2);
    }

    @Test
    void aBaseUrlWithoutTheContextPathIsUnavailable() {
        NativeToken token = seed("alice", Duration.ofDays(30));
        String wrongBase = contextPath().isEmpty() ? product.url() + "/wrong" : "http://127.0.0.1:" + product.port();
        NativeAccounts wrong = AtlassianAccounts.forProduct(product(), URI.create(wrongBase), CONNECT, READ);

        failsWith(UpstreamUnavailableException.class, () -> wrong.whoAmI(token.secret()));
    }
}
