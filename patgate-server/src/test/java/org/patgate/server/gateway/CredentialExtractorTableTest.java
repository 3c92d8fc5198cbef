package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.patgate.core.token.TokenFormat;

/**
 * Where credentials are read from, as a table: raw path, headers and raw query in; what the
 * request presents (none, a token and how, a password, another scheme, or a refusal with its
 * status) out. A pure function of the request: no server, no store.
 */
class CredentialExtractorTableTest {

    private static final TokenFormat FORMAT = TokenFormat.withDefaultPrefix();
    private static final String TOKEN = FORMAT.generate(new SecureRandom());
    private static final CredentialExtractor EXTRACTOR = new CredentialExtractor(FORMAT.prefix());

    static Stream<Arguments> table() {
        return Stream.of(
                // name, raw path, headers (name, value, ...), raw query, expected
                row("no credentials", "/rest/api/2/myself", headers(), null, "none"),
                row(
                        "a session cookie is no credential",
                        "/rest/x",
                        headers("Cookie", "JSESSIONID=abc"),
                        null,
                        "none cookies=[JSESSIONID=abc]"),
                row("Bearer token", "/rest/x", headers("Authorization", "Bearer " + TOKEN), null, "token bearer"),
                row(
                        "bearer in lower case, blanks around",
                        "/rest/x",
                        headers("Authorization", "bearer \t " + TOKEN + " "),
                        null,
                        "token bearer"),
                row(
                        "a foreign bearer is still a token to verify",
                        "/rest/x",
                        headers("Authorization", "Bearer ghp_abc"),
                        null,
                        "token bearer ghp_abc"),
                row(
                        "token as the Basic password",
                        "/rest/x",
                        headers("Authorization", basic("anyone:" + TOKEN)),
                        null,
                        "token basic"),
                row(
                        "token as the Basic username, empty password",
                        "/rest/x",
                        headers("Authorization", basic(TOKEN + ":")),
                        null,
                        "token basic"),
                row("Basic password", "/rest/x", headers("Authorization", basic("bob:secret")), null, "password bob"),
                row(
                        "token as the Basic username next to a password",
                        "/rest/x",
                        headers("Authorization", basic(TOKEN + ":secret")),
                        null,
                        "malformed 401"),
                row(
                        "Basic that is not base64",
                        "/rest/x",
                        headers("Authorization", "Basic !!!"),
                        null,
                        "malformed 400"),
                row("Basic without a colon", "/rest/x", headers("Authorization", basic("bob")), null, "malformed 400"),
                row(
                        "another scheme",
                        "/rest/x",
                        headers("Authorization", "Digest username=\"bob\""),
                        null,
                        "other Digest"),
                row(
                        "token under another scheme",
                        "/rest/x",
                        headers("Authorization", "Token " + TOKEN),
                        null,
                        "malformed 401"),
                row("token without a scheme", "/rest/x", headers("Authorization", TOKEN), null, "malformed 401"),
                row("Bearer without a token", "/rest/x", headers("Authorization", "Bearer"), null, "malformed 401"),
                row(
                        "two Authorization headers",
                        "/rest/x",
                        headers("Authorization", "Bearer " + TOKEN, "Authorization", basic("bob:secret")),
                        null,
                        "malformed 400"),
                row("token in another header", "/rest/x", headers("X-Api-Key", TOKEN), null, "malformed 401"),
                row("token in a cookie", "/rest/x", headers("Cookie", "t=" + TOKEN), null, "malformed 401"),
                row("token in the query", "/rest/x", headers(), "access_token=" + TOKEN, "malformed 401"),
                row(
                        "token percent-encoded in the query",
                        "/rest/x",
                        headers(),
                        "access_token=" + TOKEN.replace("_", "%5F"),
                        "malformed 401"),
                row("token in the path", "/rest/" + TOKEN + "/x", headers(), null, "malformed 401"),
                row("query that is not percent-encoded UTF-8", "/rest/x", headers(), "q=%ZZ", "malformed 400"),
                row(
                        "Jira password parameters",
                        "/rest/x",
                        headers(),
                        "os_username=bob&os_password=secret",
                        "password bob"),
                row(
                        "password parameters next to a token",
                        "/rest/x",
                        headers("Authorization", "Bearer " + TOKEN),
                        "os_username=bob&os_password=secret",
                        "malformed 400"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void extracts(String name, String rawPath, HttpFields headers, String rawQuery, String expected) {
        assertThat(describe(EXTRACTOR.extract(rawPath, headers, rawQuery))).isEqualTo(expected);
    }

    private static Arguments row(String name, String rawPath, HttpFields headers, String rawQuery, String expected) {
        return Arguments.of(name, rawPath, headers, rawQuery, expected);
    }

    private static HttpFields headers(String... namesAndValues) {
        HttpFields.Mutable fields = HttpFields.build();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return fields.asImmutable();
    }

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static String describe(Credentials credentials) {
        return switch (credentials) {
            case Credentials.None none ->
                none.cookieHeaders().isEmpty() ? "none" : "none cookies=" + none.cookieHeaders();
            case Credentials.Token token ->
                "token " + (token.viaBasic() ? "basic" : "bearer")
                        + (token.value().equals(TOKEN) ? "" : " " + token.value());
            case Credentials.Password password -> "password " + password.username();
            case Credentials.OtherScheme other -> "other " + other.scheme();
            case Credentials.Malformed malformed -> "malformed " + malformed.status();
        };
    }
}
