package org.patgate.core.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecisionTest {

    @Test
    void allowIsAllowedAndDenyIsNot() {
        assertThat(Decision.ALLOW.isAllowed()).isTrue();
        assertThat(new Decision.Allow()).isEqualTo(Decision.ALLOW);
        assertThat(Decision.Deny.forbidden("no").isAllowed()).isFalse();
    }

    @Test
    void denyFactoriesCarryTheirStatus() {
        assertThat(Decision.Deny.badRequest("bad").status()).isEqualTo(400);
        assertThat(Decision.Deny.unauthorized("who").status()).isEqualTo(401);
        assertThat(Decision.Deny.forbidden("no").status()).isEqualTo(403);
        assertThat(Decision.Deny.methodNotAllowed("never").status()).isEqualTo(405);
        assertThat(Decision.Deny.forbidden("no").reason()).isEqualTo("no");
    }

    @ParameterizedTest(name = "status {0} is refused")
    @ValueSource(ints = {200, 302, 404, 500, 0, -1})
    void denyWithAnyOtherStatusIsRefused(int status) {
        assertThatThrownBy(() -> new Decision.Deny(status, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(status));
    }

    @Test
    void denyNeedsAReason() {
        assertThatThrownBy(() -> new Decision.Deny(403, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Decision.Deny(403, " ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decisionsCanBeSwitchedOverExhaustively() {
        Decision decision = Decision.Deny.unauthorized("token expired");

        String answer = switch (decision) {
            case Decision.Allow allow -> "forward";
            case Decision.Deny deny -> deny.status() + " " + deny.reason();
        };

        assertThat(answer).isEqualTo("401 token expired");
    }
}
