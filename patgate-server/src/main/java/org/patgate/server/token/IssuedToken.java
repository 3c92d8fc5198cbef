package org.patgate.server.token;

import org.patgate.server.store.TokenRecord;

/**
 * A token's stored settings plus its secret, which exists only in this object on the way to the
 * caller (create and rotate). {@link #toString()} never prints the secret.
 */
public record IssuedToken(TokenRecord token, String secret) {

    @Override
    public String toString() {
        return "IssuedToken[id=" + token.id() + ", secret=******]";
    }
}
