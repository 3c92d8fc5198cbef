package org.patgate.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RawHttp2;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer.Answer;

/**
 * {@code tokens.expiresHeader}: while on, forwarded answers to a request with an expiring token carry
 * {@code PATgate-Token-Expires} with its expiry in RFC 3339 UTC (HTTP/1.1 and HTTP/2, on the data plane
 * the run selects); never for a token without expiry, never on PATgate's own refusals, and not at all
 * while off (the default).
 */
@EndToEndTest
class TokenExpiresHeaderTest {

    static final String ME = "/rest/api/2/myself";
    static final String FIELD = "PATgate-Token-Expires";

    @RegisterExtension
    static final RunningGateway on =
            RunningGateway.builder().env("PATGATE_TOKENS_EXPIRESHEADER", "true").build();

    @RegisterExtension
    static final RunningGateway off = RunningGateway.builder().build();

    static String expiring(RunningGateway gw, Instant expiresAt, String scope) {
        return gw.server
                .createToken(
                        "alice",
                        RunningGateway.ALICE_PASSWORD,
                        Map.of(
                                "name",
                                "expiring-" + System.nanoTime(),
                                "scope",
                                scope,
                                "expiresAt",
                                expiresAt.toString()))
                .get("token")
                .asText();
    }

    @Test
    void forwardedAnswersToAnExpiringTokenNameItsExpiry() {
        Instant expiresAt = on.server.clock().instant().plusSeconds(86_400).truncatedTo(ChronoUnit.SECONDS);
        String token = expiring(on, expiresAt, "read-write");

        Answer answer = on.bearer("GET", ME, token);
        RawHttp2.Answer overHttp2 =
                RawHttp2.send(on.base(), "GET", ME, Map.of("Authorization", "Bearer " + token), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers().allValues(FIELD)).containsExactly(expiresAt.toString());
        assertThat(overHttp2.status()).isEqualTo(200);
        assertThat(overHttp2.headers().get(FIELD)).isEqualTo(expiresAt.toString());
    }

    @Test
    void noFieldForATokenWithoutExpiryNorOnRefusals() {
        Instant expiresAt = on.server.clock().instant().plusSeconds(3_600).truncatedTo(ChronoUnit.SECONDS);
        String readOnly = expiring(on, expiresAt, "read-only");

        Answer unexpiring = on.bearer("GET", ME, on.readWrite());
        Answer refused = on.bearer("DELETE", "/rest/api/2/issue/X-1", readOnly);

        assertThat(unexpiring.status()).isEqualTo(200);
        assertThat(unexpiring.headers().firstValue(FIELD)).isEmpty();
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.headers().firstValue(FIELD)).isEmpty();
    }

    @Test
    void offByDefault() {
        Instant expiresAt = off.server.clock().instant().plusSeconds(86_400).truncatedTo(ChronoUnit.SECONDS);

        Answer answer = off.bearer("GET", ME, expiring(off, expiresAt, "read-write"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers().firstValue(FIELD)).isEmpty();
    }
}
