package org.patgate.server.upstream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * The personal access token API that Jira (8.14+) and Confluence (7.9+) Data Center share:
 * {@code POST /rest/pat/latest/tokens} with {@code {"name","expirationDuration"}} (days) answering
 * {@code {"id","name","createdAt","expiringAt","rawToken"}}, and {@code DELETE /rest/pat/latest/tokens/{id}}.
 * The products differ only in how a token says who it is ({@link #whoAmI}). Thread-safe.
 */
abstract class PersonalAccessTokenApi implements NativeAccounts {

    static final String TOKENS = "/rest/pat/latest/tokens";

    final UpstreamHttp http;

    PersonalAccessTokenApi(UpstreamHttp http) {
        this.http = Objects.requireNonNull(http, "http");
    }

    @Override
    public MintedNativeToken mint(String username, char[] password, String name, Duration lifetime) {
        Objects.requireNonNull(name, "name");
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", name);
        body.put("expirationDuration", lifetimeDays(lifetime));
        UpstreamHttp.Answer answer =
                http.send("POST", TOKENS, TOKENS, UpstreamHttp.basic(username, password), body.toString());
        UpstreamHttp.Created created =
                http.created(answer, TOKENS, username, "Administration > System > Personal access tokens", "rawToken");
        return new MintedNativeToken(
                created.id(), created.secret(), instant(UpstreamHttp.text(created.body(), "expiringAt")));
    }

    /**
     * Revokes with the native token itself (Bearer). When the product does not accept it for this call
     * (it is expired or revoked already, or the product wants the password), says so instead.
     */
    @Override
    public RevocationOutcome revoke(String username, String nativeTokenId, String nativeToken) {
        Objects.requireNonNull(nativeTokenId, "nativeTokenId");
        String path = TOKENS + "/" + UpstreamHttp.segment(nativeTokenId);
        UpstreamHttp.Answer answer;
        try {
            answer = http.send("DELETE", TOKENS + "/{id}", path, UpstreamHttp.bearer(nativeToken), null);
        } catch (UpstreamUnavailableException | NativeTokenRejectedException e) {
            return RevocationOutcome.notDone(e.getMessage());
        }
        if (answer.ok()) {
            return RevocationOutcome.done();
        }
        if (answer.authenticationRefused()) {
            return RevocationOutcome.notDone(http.productName() + " did not accept the native token to revoke itself ("
                    + answer.status() + "): it is expired or revoked already, or " + http.productName()
                    + " wants the password; " + username + " can revoke it under Profile > Personal Access Tokens");
        }
        if (answer.status() == 404) {
            return RevocationOutcome.notDone(http.productName() + " has no personal access token " + nativeTokenId
                    + " of " + username + " any more");
        }
        return RevocationOutcome.notDone(
                http.productName() + " answered the revocation with " + answer.status() + "; revoke it in the product");
    }

    /** The lifetime in whole days, rounded up: the product counts days, and a shorter token is never asked for. */
    static long lifetimeDays(Duration lifetime) {
        if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("a native token's lifetime must be positive");
        }
        long days = lifetime.toDays();
        return lifetime.equals(Duration.ofDays(days)) ? days : days + 1;
    }

    /** Jira's REST dates write the offset without a colon ({@code +0200}). */
    private static final DateTimeFormatter OFFSET_WITHOUT_COLON =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss[.SSS]Z");

    /**
     * {@code expiringAt} as the PAT API writes it: ISO-8601 with an offset, with or without the offset's
     * colon; null when absent or unreadable (the token then counts as not saying when it expires).
     */
    static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        for (DateTimeFormatter format :
                new DateTimeFormatter[] {DateTimeFormatter.ISO_OFFSET_DATE_TIME, OFFSET_WITHOUT_COLON}) {
            try {
                return OffsetDateTime.parse(text, format).toInstant();
            } catch (DateTimeParseException e) {
                // try the next form
            }
        }
        return null;
    }
}
