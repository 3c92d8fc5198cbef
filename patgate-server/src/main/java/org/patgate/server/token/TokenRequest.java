package org.patgate.server.token;

import java.time.Instant;
import java.util.List;
import org.patgate.core.rules.TokenRules;
import org.patgate.core.token.Scope;

/**
 * What a caller asks for when creating a token. {@code owner} null means the caller;
 * {@code expiresAt} null means no expiry (unless a policy requires one).
 */
public record TokenRequest(
        String name, String owner, Instant expiresAt, Scope scope, List<String> allowedIps, TokenRules rules) {

    public TokenRequest {
        allowedIps = allowedIps == null ? List.of() : List.copyOf(allowedIps);
        rules = rules == null ? TokenRules.NONE : rules;
    }

    /** A request without fine-grained rules. */
    public TokenRequest(String name, String owner, Instant expiresAt, Scope scope, List<String> allowedIps) {
        this(name, owner, expiresAt, scope, allowedIps, TokenRules.NONE);
    }
}
