package org.patgate.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Identity mode {@code jwt}: the upstream receives an ES256 JWT it can verify with the published
 * JWK Set, using an independent JOSE library as a real upstream would.
 */
@EndToEndTest
class JwtIdentityTest {

    static final String HEADER = "X-Identity-JWT";

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder()
            .env(Map.of(
                    "PATGATE_IDENTITY_MODE",
                    "jwt",
                    "PATGATE_IDENTITY_HEADER",
                    HEADER,
                    "PATGATE_IDENTITY_JWT_AUDIENCE",
                    "jira-prod",
                    "PATGATE_IDENTITY_JWT_KEYROTATION",
                    "1h"))
            .build();

    private static JWKSet jwks() throws Exception {
        Answer answer = gw.send("GET", "/.patgate/jwks.json", Map.of(), null);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/jwk-set+json");
        return JWKSet.parse(answer.body());
    }

    private static SignedJWT receivedJwt() throws Exception {
        List<String> values = gw.upstream.last().header(HEADER);
        assertThat(values).hasSize(1);
        return SignedJWT.parse(values.getFirst());
    }

    private static boolean verifies(SignedJWT jwt, JWKSet keys) throws Exception {
        ECKey key = (ECKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
        return key != null && jwt.verify(new ECDSAVerifier(key));
    }

    @Test
    void upstreamReceivesAVerifiableJwtNamingTheCaller() throws Exception {
        assertThat(gw.bearer("GET", "/rest/api/2/myself", gw.readWrite()).status())
                .isEqualTo(200);

        SignedJWT jwt = receivedJwt();
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(verifies(jwt, jwks()))
                .as("signature checks out against the JWK Set")
                .isTrue();
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getAudience()).containsExactly("jira-prod");
        assertThat(claims.getIssuer()).isEqualTo("patgate");
        assertThat(claims.getStringClaim("scope")).isEqualTo("read-write");
        assertThat(claims.getStringClaim("tid")).isEqualTo(gw.readWriteId());
        assertThat(claims.getStringListClaim("groups")).isNotNull();
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime())
                .isEqualTo(60_000);
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(gw.upstream.last().header("X-Forwarded-User")).isEmpty();
        assertThat(gw.upstream.last().headers().toString()).doesNotContain(gw.readWrite());
    }

    @Test
    void aClientCannotSendItsOwnJwt() throws Exception {
        ECKey attacker = new ECKeyGenerator(Curve.P_256).keyID("evil").generate();
        SignedJWT forged = new SignedJWT(
                new com.nimbusds.jose.JWSHeader.Builder(JWSAlgorithm.ES256)
                        .keyID("evil")
                        .build(),
                new JWTClaimsSet.Builder()
                        .subject("admin")
                        .audience("jira-prod")
                        .issuer("patgate")
                        .expirationTime(new Date(System.currentTimeMillis() + 60_000))
                        .build());
        forged.sign(new ECDSASigner(attacker));

        assertThat(gw.send("GET", "/secure/Dashboard.jspa", Map.of(HEADER, forged.serialize()), null)
                        .status())
                .isEqualTo(200);
        assertThat(gw.upstream.last().header(HEADER))
                .as("stripped on the way in")
                .isEmpty();
        assertThat(verifies(forged, jwks()))
                .as("and the published keys would not accept it")
                .isFalse();
    }

    @Test
    void keysRotateAndTheOldKeyStaysPublished() throws Exception {
        gw.bearer("GET", "/rest/api/2/myself", gw.readOnly());
        SignedJWT before = receivedJwt();

        gw.server.clock().advance(Duration.ofMinutes(61));
        try {
            String token = gw.createToken("read-only", List.of());
            gw.upstream.clear();
            gw.bearer("GET", "/rest/api/2/myself", token);
            SignedJWT after = receivedJwt();

            assertThat(after.getHeader().getKeyID())
                    .isNotEqualTo(before.getHeader().getKeyID());
            JWKSet keys = jwks();
            assertThat(verifies(after, keys)).isTrue();
            assertThat(verifies(before, keys))
                    .as("JWTs signed just before the rotation still verify")
                    .isTrue();
        } finally {
            gw.server.clock().advance(Duration.ofMinutes(-61));
        }
    }

    @Test
    void aGroupRemovalReachesTheVeryNextJwt() throws Exception {
        String api = "/.patgate/api/v1";
        gw.server.createUser("gina", "gina-password-123", "payments", "auditors");
        String token = gw.server
                .call(
                        "POST",
                        api + "/tokens",
                        "gina",
                        "gina-password-123",
                        Map.of("name", "gina's", "scope", "read-only"))
                .json()
                .get("token")
                .asText();
        gw.bearer("GET", "/rest/api/2/myself", token);
        assertThat(receivedJwt().getJWTClaimsSet().getStringListClaim("groups"))
                .containsExactly("auditors", "payments");
        gw.bearer("GET", "/rest/api/2/myself", token);
        assertThat(receivedJwt().getJWTClaimsSet().getStringListClaim("groups"))
                .as("reused while nothing changed")
                .containsExactly("auditors", "payments");

        assertThat(gw.server
                        .asAdmin("PATCH", api + "/users/gina", Map.of("groups", List.of("auditors")))
                        .status())
                .isEqualTo(200);
        gw.bearer("GET", "/rest/api/2/myself", token);
        SignedJWT after = receivedJwt();
        assertThat(verifies(after, jwks())).isTrue();
        assertThat(after.getJWTClaimsSet().getStringListClaim("groups")).containsExactly("auditors");

        assertThat(gw.server
                        .asAdmin("PATCH", api + "/users/gina", Map.of("groups", List.of()))
                        .status())
                .isEqualTo(200);
        gw.bearer("GET", "/rest/api/2/myself", token);
        assertThat(receivedJwt().getJWTClaimsSet().getStringListClaim("groups")).isEmpty();
    }
}
