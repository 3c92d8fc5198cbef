package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RunningGateway;

/**
 * {@link RequestTargets} refuses exactly the request targets the gateway's HTTP engine refuses before
 * PATgate decides, so a data plane that asks it refuses the same requests: each target goes through a
 * running gateway with a valid token, and the gateway answers 400 (nothing upstream) exactly when
 * {@link RequestTargets#violation} names a reason.
 */
@EndToEndTest
class RequestTargetsTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

    static List<String> targets() {
        return List.of(
                "/rest/api/2/myself",
                "/rest//api/2/myself",
                "/rest/%2e/api/2/myself",
                "/rest/x/%2e%2e/api/2/myself",
                "/rest/%2E%2E/api",
                "/rest/api%2f2/myself",
                "/rest/api%2F2/myself",
                "/rest/api%5c2/myself",
                "/rest/%25/x",
                "/rest/api/2/myself;jsessionid=abc",
                "/rest;x=y/api/2/myself",
                "/rest/./api/2/myself",
                "/rest/x/../api/2/myself",
                "/rest/api/2/search?jql=project%20%3D%20X",
                "/rest/api/2/search?jql=a|b",
                "/rest/%7Euser",
                "/rest/%C3%A9t%C3%A9",
                "/rest/%zz",
                "/rest/%",
                "/rest/a%00b",
                "/rest/..;/admin",
                "/rest/.%2e/admin",
                "/rest/%2e%2e;/admin");
    }

    @ParameterizedTest
    @MethodSource("targets")
    void theGatewayAndRequestTargetsRefuseTheSameTargets(String target) {
        gw.upstream.clear();
        RawHttp.RawAnswer answer = RawHttp.send(
                gw.base(),
                "GET " + target + " HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + gw.readWrite()
                        + "\r\nConnection: close\r\n\r\n");
        String violation = RequestTargets.violation(target);
        if (violation != null) {
            assertThat(answer.status()).as(target + " (" + violation + ")").isEqualTo(400);
            assertThat(gw.upstream.received()).as(target).isEmpty();
        } else {
            assertThat(answer.status()).as(target).isNotEqualTo(400).isNotEqualTo(500);
        }
    }
}
