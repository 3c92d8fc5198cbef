package org.patgate.server.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Bitbucket Data Center's native accounts: HTTP access tokens ({@code PUT
 * /rest/access-tokens/latest/users/{userSlug}}, minted with the user's password), {@code GET
 * /plugins/servlet/applinks/whoami} for who a token is (the username as plain text) and the user search
 * for the display name and slug. Bitbucket answers an unknown, expired or revoked token with 401, and
 * does not let a token manage tokens, so {@link #revoke} cannot be done with the token alone. Thread-safe.
 */
public final class BitbucketAccounts implements NativeAccounts {

    static final String WHOAMI = "/plugins/servlet/applinks/whoami";
    static final String USERS = "/rest/api/latest/users";
    static final String USER_TOKENS = "/rest/access-tokens/latest/users";

    /**
     * The user's own access level, as the product sets by default: PATgate narrows what a request may do
     * before it swaps the token in, so the native token must not be narrower than the user.
     */
    static final List<String> PERMISSIONS = List.of("PROJECT_ADMIN", "REPO_ADMIN");

    private final UpstreamHttp http;

    public BitbucketAccounts(URI upstreamUrl, Duration connectTimeout, Duration readTimeout) {
        this.http = new UpstreamHttp("Bitbucket", upstreamUrl, connectTimeout, readTimeout);
    }

    @Override
    public NativeAccount whoAmI(String nativeToken) {
        String bearer = UpstreamHttp.bearer(nativeToken);
        UpstreamHttp.Answer answer = http.send("GET", WHOAMI, WHOAMI, bearer, null);
        if (answer.authenticationRefused()) {
            throw new NativeTokenRejectedException(
                    "Bitbucket did not accept the native token (" + answer.status() + ")");
        }
        if (answer.status() != 200) {
            throw http.notExpected(WHOAMI, answer.status(), "not 200");
        }
        if (!answer.headers().firstValue("Content-Type").orElse("").startsWith("text/plain")) {
            throw http.notExpected(WHOAMI, answer.status(), "not plain text");
        }
        String username = answer.body().strip();
        if (username.isEmpty()) {
            throw new NativeTokenRejectedException("Bitbucket treated the native token as anonymous");
        }
        if (username.length() > 255 || username.chars().anyMatch(Character::isISOControl)) {
            throw http.notExpected(WHOAMI, answer.status(), "not a username");
        }
        NativeAccount account = AuthenticatedUser.confirmed(http, WHOAMI, answer, username, null);
        JsonNode user = findUser(
                username,
                bearer,
                refusal -> new NativeTokenRejectedException(
                        "Bitbucket did not accept the native token (" + refusal.status() + ")"));
        return user == null
                ? account
                : new NativeAccount(
                        account.username(),
                        Objects.requireNonNullElse(UpstreamHttp.text(user, "displayName"), account.username()));
    }

    @Override
    public MintedNativeToken mint(String username, char[] password, String name, Duration lifetime) {
        Objects.requireNonNull(name, "name");
        String basic = UpstreamHttp.basic(username, password);
        JsonNode user = findUser(username, basic, refusal -> http.passwordRefused(refusal, username));
        String slug = user == null ? null : UpstreamHttp.text(user, "slug");
        if (slug == null) {
            throw new UpstreamUnavailableException("Bitbucket has no user named " + username);
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", name);
        PERMISSIONS.forEach(body.putArray("permissions")::add);
        body.put("expiryDays", PersonalAccessTokenApi.lifetimeDays(lifetime));
        String template = USER_TOKENS + "/{userSlug}";
        UpstreamHttp.Answer answer =
                http.send("PUT", template, USER_TOKENS + "/" + UpstreamHttp.segment(slug), basic, body.toString());
        UpstreamHttp.Created created =
                http.created(answer, template, username, "Administration > HTTP access tokens", "token");
        JsonNode expiry = created.body().get("expiryDate");
        Instant expiresAt = expiry != null && expiry.canConvertToLong() ? Instant.ofEpochMilli(expiry.asLong()) : null;
        return new MintedNativeToken(created.id(), created.secret(), expiresAt);
    }

    @Override
    public RevocationOutcome revoke(String username, String nativeTokenId, String nativeToken) {
        return RevocationOutcome.notDone("Bitbucket does not let an HTTP access token revoke tokens; " + username
                + " can revoke token " + nativeTokenId + " under Manage account > HTTP access tokens,"
                + " or an administrator under Users > HTTP access tokens");
    }

    /** The user whose {@code name} is exactly {@code username}, from the user search; null when none. */
    private JsonNode findUser(
            String username,
            String authorization,
            Function<UpstreamHttp.Answer, NativeTokenRejectedException> refused) {
        String path = USERS + "?filter=" + UpstreamHttp.segment(username);
        UpstreamHttp.Answer answer = http.send("GET", USERS + "?filter={username}", path, authorization, null);
        if (answer.authenticationRefused()) {
            throw refused.apply(answer);
        }
        if (answer.status() != 200) {
            throw http.notExpected(USERS, answer.status(), "not 200");
        }
        JsonNode values = http.jsonObject(answer, USERS).get("values");
        if (values == null || !values.isArray()) {
            throw http.notExpected(USERS, answer.status(), "without values");
        }
        for (JsonNode user : values) {
            if (username.equals(UpstreamHttp.text(user, "name"))) {
                return user;
            }
        }
        return null;
    }
}
