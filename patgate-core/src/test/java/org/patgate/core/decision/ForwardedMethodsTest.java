package org.patgate.core.decision;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.patgate.core.rules.MethodPathRule;
import org.patgate.core.rules.TokenRules;

class ForwardedMethodsTest {

    @ParameterizedTest(name = "{0} is forwarded")
    @MethodSource("forwarded")
    void exactUpperCaseSpellingsAreForwarded(String method) {
        assertThat(ForwardedMethods.check(method)).isEqualTo(Decision.ALLOW);
    }

    static Stream<String> forwarded() {
        return ForwardedMethods.ALL.stream();
    }

    /** Every method in lower case, capitalised, and with one letter flipped. */
    static Stream<String> otherSpellings() {
        return ForwardedMethods.ALL.stream()
                .flatMap(m -> Stream.of(
                        m.toLowerCase(Locale.ROOT),
                        m.charAt(0) + m.substring(1).toLowerCase(Locale.ROOT),
                        m.substring(0, m.length() - 1) + Character.toLowerCase(m.charAt(m.length() - 1))));
    }

    @ParameterizedTest(name = "{0} is 405")
    @MethodSource("otherSpellings")
    void otherSpellingsOfForwardedMethodsAre405(String method) {
        assertThat(ForwardedMethods.check(method)).isInstanceOfSatisfying(Decision.Deny.class, deny -> {
            assertThat(deny.status()).isEqualTo(405);
            assertThat(deny.reason()).contains("case-sensitive");
        });
    }

    @ParameterizedTest(name = "{0} is 405")
    @ValueSource(
            strings = {
                "CONNECT",
                "TRACE",
                "TRACK",
                "connect",
                "trace",
                "DEBUG",
                "FOO",
                "M-SEARCH",
                "REPORT",
                "SEARCH",
                "QUERY",
                "PRI",
                "BIND",
                "PURGE",
                "GET2",
                "GET.",
                "GETS",
                "POST_"
            })
    void nonProxyableAndUnknownMethodsAre405(String method) {
        assertThat(ForwardedMethods.check(method)).isInstanceOfSatisfying(Decision.Deny.class, deny -> {
            assertThat(deny.status()).isEqualTo(405);
            assertThat(deny.reason()).contains(ForwardedMethods.ALLOW_HEADER);
        });
    }

    @ParameterizedTest(name = "method \"{0}\" is 400")
    @ValueSource(strings = {"", "GE T", "GET\r\n", "G(ET", "GET/", "G\u00c9T", "GET\u0000", "\u0130NFO"})
    void methodsThatAreNotTokensAre400(String method) {
        assertThat(ForwardedMethods.check(method)).isEqualTo(Decision.Deny.badRequest("invalid request method"));
        assertThat(ForwardedMethods.check(null)).isEqualTo(Decision.Deny.badRequest("invalid request method"));
    }

    @Test
    void dottedTurkishIDoesNotUpperCaseIntoAForwardedMethod() {
        // Locale.ROOT: "get" never becomes a different method; a dotless-i spelling is not a token at all.
        assertThat(ForwardedMethods.check("OPT\u0131ONS").isAllowed()).isFalse();
    }

    @Test
    void allowHeaderListsEveryForwardedMethod() {
        assertThat(ForwardedMethods.ALLOW_HEADER)
                .isEqualTo(
                        "GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE, PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK, UNLOCK");
    }

    @ParameterizedTest(name = "deny rule on DELETE is not passed by {0}")
    @ValueSource(strings = {"delete", "Delete", "DELETe", "dElEtE"})
    void rulesRefuseOtherSpellingsBeforeLookingAtRules(String method) {
        TokenRules denyDelete = new TokenRules(null, List.of(), List.of(MethodPathRule.of("/rest/**", "DELETE")));

        assertThat(denyDelete.decide("DELETE", "/rest/api/2/issue/X-1").isAllowed())
                .isFalse();
        assertThat(denyDelete.decide(method, "/rest/api/2/issue/X-1"))
                .isInstanceOfSatisfying(
                        Decision.Deny.class, deny -> assertThat(deny.status()).isEqualTo(405));
        assertThat(denyDelete.decide("GET", "/rest/api/2/issue/X-1")).isEqualTo(Decision.ALLOW);
    }

    @Test
    void rulesWithoutMethodsStillRefuseUnforwardedMethods() {
        TokenRules anyMethod = new TokenRules(null, List.of(MethodPathRule.of("/rest/**")), List.of());

        assertThat(anyMethod.decide("PROPFIND", "/rest/x")).isEqualTo(Decision.ALLOW);
        assertThat(anyMethod.decide("TRACE", "/rest/x").isAllowed()).isFalse();
        assertThat(anyMethod.decide("get", "/rest/x").isAllowed()).isFalse();
    }
}
