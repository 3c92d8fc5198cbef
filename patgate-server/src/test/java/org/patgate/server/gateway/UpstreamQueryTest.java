package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamQueryTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '→',
            quoteCharacter = '\0',
            value = {
                "jql=a|b\"{}\"^`<>\\→jql=a|b\"{}\"^`<>\\",
                "x=a b→x=a%20b",
                "x=\u00e4→x=%C3%A4",
                "x=\u20ac→x=%E2%82%AC",
                "x=\ud83d\ude00→x=%F0%9F%98%80",
                "x=%zz→x=%zz",
                "→"
            })
    void forwardsWhatHttp11CanCarryUnchangedAndEncodesTheRest(String raw, String forwarded) {
        assertThat(UpstreamQuery.isForwardable(raw)).isTrue();
        assertThat(UpstreamQuery.forwarded(raw)).isEqualTo(forwarded);
    }

    @ParameterizedTest(name = "refuses {0}")
    @ValueSource(
            strings = {
                "x=\u0000",
                "x=a\tb",
                "x=\r\n",
                "x=\u007f",
                "x=\u0085",
                "x=\ufffd",
                "x=\ud83d",
                "x=\ude00a",
                "x=\ud83da"
            })
    void refusesWhatCannotBeForwardedFaithfully(String raw) {
        assertThat(UpstreamQuery.isForwardable(raw)).isFalse();
    }
}
