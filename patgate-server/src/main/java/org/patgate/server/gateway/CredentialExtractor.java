package org.patgate.server.gateway;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.patgate.core.token.Base62;

/**
 * Reads {@link Credentials} from a request's headers and query, refusing anything ambiguous:
 * several Authorization headers (whatever their schemes), Basic that does not decode, or a token
 * of this installation anywhere in the query string (URLs leak into logs and browser history).
 * Thread-safe.
 */
public final class CredentialExtractor {

    /** A run this long after the prefix is treated as a token (shorter than a real one, to catch truncation). */
    private static final int MIN_TOKEN_BODY = 20;

    private final String tokenPrefix;

    public CredentialExtractor(String tokenPrefix) {
        this.tokenPrefix = tokenPrefix;
    }

    /**
     * @param headers  the client's request headers
     * @param rawQuery the raw (still percent-encoded) query string, or null
     */
    public Credentials extract(HttpFields headers, String rawQuery) {
        if (rawQuery != null && !rawQuery.isEmpty()) {
            String decoded = decodeQuery(rawQuery);
            if (decoded == null) {
                return new Credentials.Malformed(400, "the query string is not valid percent-encoded UTF-8");
            }
            if (containsTokenLike(decoded)) {
                return new Credentials.Malformed(401, "tokens are never accepted in URLs (they leak into logs); "
                        + "send 'Authorization: Bearer <token>'");
            }
        }
        // One pass over the headers, no intermediate list: this runs on every request.
        HttpField authorization = null;
        int authorizations = 0;
        for (HttpField field : headers) {
            if (field.getHeader() == HttpHeader.AUTHORIZATION) {
                authorization = field;
                authorizations++;
            }
        }
        if (authorizations > 1) {
            return new Credentials.Malformed(400, "more than one Authorization header");
        }
        if (authorization == null) {
            if (rawQuery != null && hasPasswordParameter(rawQuery)) {
                return new Credentials.Password(queryValue(rawQuery, "os_username"));
            }
            return new Credentials.None(headers.contains(HttpHeader.COOKIE));
        }
        if (rawQuery != null && hasPasswordParameter(rawQuery)) {
            return new Credentials.Malformed(400, "both an Authorization header and os_password parameters");
        }
        return fromAuthorization(authorization.getValue());
    }

    private Credentials fromAuthorization(String value) {
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        String rest = space < 0 ? "" : value.substring(space + 1).stripLeading();
        if (scheme.equalsIgnoreCase("Bearer")) {
            if (rest.isEmpty()) {
                return new Credentials.Malformed(401, "Bearer without a token");
            }
            return new Credentials.Token(rest, false);
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            return fromBasic(rest);
        }
        return new Credentials.OtherScheme(scheme);
    }

    private Credentials fromBasic(String encoded) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(encoded.strip());
        } catch (IllegalArgumentException e) {
            return new Credentials.Malformed(400, "Basic credentials are not valid base64");
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new Credentials.Malformed(400, "Basic credentials are not UTF-8");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return new Credentials.Malformed(400, "Basic credentials without ':'");
        }
        String username = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        // RFC 7617 puts the secret in the password; a token there is a token whatever the username.
        if (password.startsWith(tokenPrefix) || password.strip().startsWith(tokenPrefix)) {
            return new Credentials.Token(password, true);
        }
        if (username.startsWith(tokenPrefix) && password.isEmpty()) {
            return new Credentials.Token(username, true);
        }
        return new Credentials.Password(username);
    }

    /** Whether the text holds the prefix followed by a token-length run of base62 characters. */
    private boolean containsTokenLike(String text) {
        int from = 0;
        int at;
        while ((at = text.indexOf(tokenPrefix, from)) >= 0) {
            int end = at + tokenPrefix.length();
            int run = 0;
            while (end + run < text.length() && Base62.isDigit(text.charAt(end + run))) {
                run++;
            }
            if (run >= MIN_TOKEN_BODY) {
                return true;
            }
            from = end;
        }
        return false;
    }

    private static boolean hasPasswordParameter(String rawQuery) {
        for (String pair : rawQuery.split("&")) {
            String name = pair.split("=", 2)[0];
            String decoded = decodeQuery(name);
            if (decoded != null && (decoded.equalsIgnoreCase("os_password") || decoded.equalsIgnoreCase("os_username")
                    || decoded.equalsIgnoreCase("os_authType"))) {
                return true;
            }
        }
        return false;
    }

    private static String queryValue(String rawQuery, String name) {
        for (String pair : rawQuery.split("&")) {
            String[] parts = pair.split("=", 2);
            if (name.equalsIgnoreCase(decodeQuery(parts[0])) && parts.length == 2) {
                return decodeQuery(parts[1]);
            }
        }
        return null;
    }

    /** Decodes once, with '+' as space; null when malformed. */
    static String decodeQuery(String raw) {
        try {
            return java.net.URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
