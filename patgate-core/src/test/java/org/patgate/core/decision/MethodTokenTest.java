package org.patgate.core.decision;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MethodTokenTest {

    @ParameterizedTest(name = "{0} is a token")
    @ValueSource(strings = {"GET", "get", "POST", "M-SEARCH", "X_Y.Z", "!#$%&'*+-.^_`|~", "0"})
    void rfc9110TokensAreValid(String method) {
        assertThat(MethodToken.isValid(method)).isTrue();
    }

    @ParameterizedTest(name = "\"{0}\" is not a token")
    @ValueSource(
            strings = {
                "",
                " ",
                "GE T",
                "GET\r",
                "GET\n",
                "G\u0000",
                "G(ET)",
                "G,ET",
                "G/ET",
                "G:ET",
                "G;ET",
                "G=ET",
                "G\"ET",
                "G@ET",
                "G[ET]",
                "G{ET}",
                "G\\ET",
                "G\u00c9T",
                "G\u007fT",
                "GET?"
            })
    void separatorsControlsAndNonAsciiAreInvalid(String method) {
        assertThat(MethodToken.isValid(method)).isFalse();
    }

    @Test
    void nullIsInvalid() {
        assertThat(MethodToken.isValid(null)).isFalse();
    }
}
