package org.patgate.server.gateway;

import java.util.List;

/**
 * What a request presents to prove who it is, as far as PATgate cares. Built once per request by
 * {@link CredentialExtractor}; never logged (a {@link Token} holds a secret).
 */
public sealed interface Credentials {

    /**
     * No Authorization header and no password parameters. {@code cookieHeaders} are the values of
     * every Cookie header (HTTP/2 may split cookies over several), for {@link SessionCookies}.
     */
    record None(List<String> cookieHeaders) implements Credentials {
        public None {
            cookieHeaders = List.copyOf(cookieHeaders);
        }
    }

    /** A PATgate token, well-formed or not, via Bearer or as the Basic password. */
    record Token(String value, boolean viaBasic) implements Credentials {
        @Override
        public String toString() {
            return "Token[******]";
        }
    }

    /** A username and password (Basic, or Jira's os_username/os_password parameters). */
    record Password(String username) implements Credentials {}

    /** Another scheme (Digest, NTLM, Negotiate, a foreign Bearer) that is not a PATgate token. */
    record OtherScheme(String scheme) implements Credentials {}

    /** Something we refuse to interpret: several Authorization headers, broken Basic, a token in the URL. */
    record Malformed(int status, String reason) implements Credentials {}
}
