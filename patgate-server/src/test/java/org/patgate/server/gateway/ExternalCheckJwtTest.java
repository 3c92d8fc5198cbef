package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer.Answer;

/**
 * {@code /.patgate/check} in identity mode {@code jwt}: the identity header an allowed check names is
 * the signed JWT inline mode would send, verifiable with the published JWK Set.
 */
@EndToEndTest
class ExternalCheckJwtTest {

    static final String HEADER = "X-Identity-JWT";

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder()
            .env(Map.of(
                    "PATGATE_IDENTITY_MODE", "jwt",
                    "PATGATE_IDENTITY_HEADER", HEADER,
                    "PATGATE_TRUSTEDPROXIES", "127.0.0.1/32"))
            .build();

    @Test
    void anAllowedCheckNamesAVerifiableJwtOfTheOwner() throws Exception {
        Answer answer = gw.send(
                "GET",
                ExternalCheck.PATH,
                Map.of(
                        "X-Forwarded-Method", "GET",
                        "X-Forwarded-Uri", "/rest/api/2/myself",
                        "Authorization", "Bearer " + gw.readWrite()),
                null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<String> values = answer.headers().allValues(HEADER);
        assertThat(values).hasSize(1);
        SignedJWT jwt = SignedJWT.parse(values.getFirst());
        JWKSet keys = JWKSet.parse(
                gw.send("GET", "/.patgate/jwks.json", Map.of(), null).body());
        ECKey key = (ECKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).isNotNull();
        assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("alice");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("tid")).isEqualTo(gw.readWriteId());
        assertThat(answer.headers().firstValue("X-Forwarded-User"))
                .as("only the configured identity header")
                .isEmpty();
        assertThat(answer.headers().map().toString()).doesNotContain(gw.readWrite());
    }
}
