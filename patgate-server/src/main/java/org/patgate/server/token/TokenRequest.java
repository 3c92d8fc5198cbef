package org.patgate.server.token;

import java.time.Instant;
import java.util.List;
import org.patgate.core.token.Scope;

/**
 * What a caller asks for when creating a token. {@code owner} null means the caller;
 * {@code expiresAt} null means no expiry (unless a policy requires one).
 */
public record TokenRequest(String name, String owner, Instant expiresAt, Scope scope, List<String> allowedIps) {

    public TokenRequest {
        allowedIps = allowedIps == null ? List.of() : List.copyOf(allowedIps);
    }
}
