package org.patgate.server.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.core.token.Scope;
import org.patgate.server.gateway.ExternalCheck;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RecordingUpstream;

/**
 * The Netty data plane answers proxies' check requests ({@code /.patgate/check}) itself: the server
 * behind its relay here only echoes paths, so every answer below comes from the plane's own {@link
 * ExternalCheck}. Nothing goes upstream; a check request's body is dropped and the connection goes on.
 */
class CheckOnThePlaneTest {

    @RegisterExtension
    static final NodeAndUpstream<RecordingUpstream> plane = new NodeAndUpstream<>(
            RecordingUpstream::new,
            RecordingUpstream::url,
            RecordingUpstream::clear,
            Map.of("PATGATE_TRUSTEDPROXIES", "127.0.0.1"));

    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

    private static String check(String originalMethod, String originalUri, String token, String extra) {
        return "GET /.patgate/check HTTP/1.1\r\nHost: gate\r\nX-Original-Method: " + originalMethod
                + "\r\nX-Original-URI: " + originalUri + "\r\nAuthorization: Bearer " + token + "\r\n" + extra;
    }

    @Test
    void anAllowedRequestIsAnsweredWithTheIdentityWithoutTheRelay() {
        String token = plane.node().token(Scope.READ_WRITE);

        RawHttp.RawAnswer answer = RawHttp.send(
                plane.node().base(), check("GET", "/rest/api/2/myself", token, "Connection: close\r\n\r\n"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text())
                .containsIgnoringCase("\r\n" + ExternalCheck.TOKEN_ID_HEADER + ": ")
                .containsIgnoringCase("\r\nX-Forwarded-User: admin\r\n")
                .doesNotContain(token)
                .doesNotContain("/.patgate/check\r\n"); // no echo from the server behind the relay
        assertThat(plane.upstream().received()).isEmpty();
    }

    @Test
    void aReadOnlyTokensPostIsRefusedAsInline() {
        String token = plane.node().token(Scope.READ_ONLY);

        RawHttp.RawAnswer answer = RawHttp.send(
                plane.node().base(), check("POST", "/rest/api/2/issue", token, "Connection: close\r\n\r\n"));

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.text()).contains("application/problem+json").doesNotContain(token);
        assertThat(plane.upstream().received()).isEmpty();
    }

    @Test
    void envoysPathPrefixModeIsAnsweredToo() {
        String token = plane.node().token(Scope.READ_WRITE);

        RawHttp.RawAnswer answer = RawHttp.send(
                plane.node().base(),
                "GET /.patgate/check/rest/api/2/myself HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + token
                        + "\r\nConnection: close\r\n\r\n");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).containsIgnoringCase("\r\nX-Forwarded-User: admin\r\n");
    }

    @Test
    void checksWithAndWithoutBodiesGoOnOneKeepAliveConnection() {
        String token = plane.node().token(Scope.READ_WRITE);

        RawHttp.RawAnswer answer = RawHttp.send(
                plane.node().base(),
                check("GET", "/rest/api/2/myself", token, "Content-Length: 11\r\n\r\nhello world")
                        + check("DELETE", "/rest/api/2/issue/X-1", "pat_nope", "\r\n")
                        + check("GET", "/rest/api/2/myself", token, "Connection: close\r\n\r\n"));

        Matcher statuses = STATUS.matcher(answer.text());
        StringBuilder seen = new StringBuilder();
        while (statuses.find()) {
            seen.append(statuses.group(1)).append(' ');
        }
        assertThat(seen.toString().trim()).isEqualTo("200 401 200");
        assertThat(plane.upstream().received()).isEmpty();
    }

    @Test
    void aCallerOutsideTrustedProxiesIsRefusedWithAValidToken() throws Exception {
        String token = plane.node().token(Scope.READ_WRITE);

        RawHttp.RawAnswer answer = RawHttp.send(
                plane.node().base(),
                check("GET", "/rest/api/2/myself", token, "Connection: close\r\n\r\n"),
                java.net.InetAddress.getByName("127.0.0.2"));

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.text()).doesNotContainIgnoringCase("X-Forwarded-User: admin");
    }
}
