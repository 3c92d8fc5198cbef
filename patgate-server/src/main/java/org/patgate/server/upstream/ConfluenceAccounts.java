package org.patgate.server.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;

/**
 * Confluence Data Center's native accounts: personal access tokens, and {@code GET /rest/api/user/current}
 * for who a token is. Confluence answers a wrong Bearer token with 200 as the anonymous user
 * ({@code "type":"anonymous"}) rather than 401, so an anonymous answer is a rejection here. Thread-safe.
 */
public final class ConfluenceAccounts extends PersonalAccessTokenApi {

    static final String CURRENT_USER = "/rest/api/user/current";

    public ConfluenceAccounts(URI upstreamUrl, Duration connectTimeout, Duration readTimeout) {
        super(new UpstreamHttp("Confluence", upstreamUrl, connectTimeout, readTimeout));
    }

    @Override
    public NativeAccount whoAmI(String nativeToken) {
        UpstreamHttp.Answer answer =
                http.send("GET", CURRENT_USER, CURRENT_USER, UpstreamHttp.bearer(nativeToken), null);
        if (answer.authenticationRefused()) {
            throw new NativeTokenRejectedException(
                    "Confluence did not accept the native token (" + answer.status() + ")");
        }
        if (answer.status() != 200) {
            throw http.notExpected(CURRENT_USER, answer.status(), "not 200");
        }
        JsonNode current = http.jsonObject(answer, CURRENT_USER);
        if ("anonymous".equals(UpstreamHttp.text(current, "type"))) {
            throw new NativeTokenRejectedException(
                    "Confluence treated the native token as anonymous: it is unknown, expired or revoked");
        }
        String username = UpstreamHttp.text(current, "username");
        if (username == null) {
            throw http.notExpected(CURRENT_USER, answer.status(), "without the user's username");
        }
        return AuthenticatedUser.confirmed(
                http, CURRENT_USER, answer, username, UpstreamHttp.text(current, "displayName"));
    }
}
