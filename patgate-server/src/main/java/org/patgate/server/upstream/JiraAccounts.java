package org.patgate.server.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;

/**
 * Jira Data Center's native accounts: personal access tokens, and {@code GET /rest/api/2/myself} for who a
 * token is ({@code name} is the login name on Data Center). Jira answers an unknown, expired or revoked
 * Bearer token with 401. Thread-safe.
 */
public final class JiraAccounts extends PersonalAccessTokenApi {

    static final String MYSELF = "/rest/api/2/myself";

    public JiraAccounts(URI upstreamUrl, Duration connectTimeout, Duration readTimeout) {
        super(new UpstreamHttp("Jira", upstreamUrl, connectTimeout, readTimeout));
    }

    @Override
    public NativeAccount whoAmI(String nativeToken) {
        UpstreamHttp.Answer answer = http.send("GET", MYSELF, MYSELF, UpstreamHttp.bearer(nativeToken), null);
        if (answer.authenticationRefused()) {
            throw new NativeTokenRejectedException("Jira did not accept the native token (" + answer.status() + ")");
        }
        if (answer.status() != 200) {
            throw http.notExpected(MYSELF, answer.status(), "not 200");
        }
        JsonNode myself = http.jsonObject(answer, MYSELF);
        String username = UpstreamHttp.text(myself, "name");
        if (username == null) {
            throw http.notExpected(MYSELF, answer.status(), "without the user's name");
        }
        return AuthenticatedUser.confirmed(http, MYSELF, answer, username, UpstreamHttp.text(myself, "displayName"));
    }
}
