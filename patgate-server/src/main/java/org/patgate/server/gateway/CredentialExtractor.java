package org.patgate.server.gateway;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.patgate.core.token.TokenFormat;

/**
 * Reads {@link Credentials} from a request's path, headers and query, refusing anything ambiguous:
 * several Authorization headers (whatever their schemes), Basic that does not decode, or a token of
 * this installation anywhere but where tokens are accepted.
 *
 * <p><b>Where a token is accepted:</b> {@code Authorization: Bearer <token>} (scheme in any case,
 * spaces or tabs around the token), and HTTP Basic with the token as the password (any username) or
 * as the username with an empty password. <b>Everywhere else it is refused</b> (401, never
 * forwarded): in the path or query (also percent-encoded), in any other header name or value
 * (Proxy-Authorization, X-Api-Key, Cookie, ...), under another scheme ({@code Token}, {@code Digest},
 * ...), with no scheme at all, or as a Basic username next to a non-empty password. "Token" means what
 * {@link TokenSpotter} spots: valid checksum anywhere, or a near miss at the start of a word.
 * Thread-safe.
 */
public final class CredentialExtractor {

    static final String ONLY_IN_AUTHORIZATION = "send it only as 'Authorization: Bearer <token>'";

    private final TokenFormat format;
    private final TokenSpotter spotter;

    public CredentialExtractor(String tokenPrefix) {
        this.format = new TokenFormat(tokenPrefix);
        this.spotter = new TokenSpotter(format);
    }

    /**
     * @param headers  the client's request headers
     * @param rawQuery the raw (still percent-encoded) query string, or null
     */
    public Credentials extract(HttpFields headers, String rawQuery) {
        return extract(null, headers, rawQuery);
    }

    /**
     * @param rawPath  the path as sent, with any {@code ;} parameters (null: not looked at); its
     *                 percent-decoded forms are looked at too
     * @param headers  the client's request headers
     * @param rawQuery the raw (still percent-encoded) query string, or null
     */
    public Credentials extract(String rawPath, HttpFields headers, String rawQuery) {
        if (spotter.spotIn(rawPath)) {
            return new Credentials.Malformed(
                    401, "tokens are never accepted in URLs (they leak into logs); " + ONLY_IN_AUTHORIZATION);
        }
        if (rawQuery != null && !rawQuery.isEmpty()) {
            String decoded = decodeQuery(rawQuery);
            if (decoded == null) {
                return new Credentials.Malformed(400, "the query string is not valid percent-encoded UTF-8");
            }
            if (spotter.spotIn(rawQuery) || spotter.spotIn(decoded)) {
                return new Credentials.Malformed(
                        401, "tokens are never accepted in URLs (they leak into logs); " + ONLY_IN_AUTHORIZATION);
            }
        }
        // One pass over the headers, no intermediate list unless there are cookies: this runs on every request.
        HttpField authorization = null;
        int authorizations = 0;
        List<String> cookies = null;
        for (HttpField field : headers) {
            if (field.getHeader() == HttpHeader.AUTHORIZATION) {
                authorization = field;
                authorizations++;
                continue;
            }
            if (spotter.spotIn(field.getName()) || spotter.spotIn(field.getValue())) {
                String name =
                        spotter.spotIn(field.getName()) ? "a header name" : "the header '" + field.getName() + "'";
                return new Credentials.Malformed(
                        401, "a token in " + name + " is not accepted; " + ONLY_IN_AUTHORIZATION);
            }
            if (field.getHeader() == HttpHeader.COOKIE) {
                // Usually one Cookie header: an immutable one-element list, which None keeps without copying.
                if (cookies == null) {
                    cookies = List.of(field.getValue());
                } else {
                    List<String> more = new ArrayList<>(cookies);
                    more.add(field.getValue());
                    cookies = more;
                }
            }
        }
        if (authorizations > 1) {
            return new Credentials.Malformed(400, "more than one Authorization header");
        }
        if (authorization == null) {
            if (rawQuery != null && hasPasswordParameter(rawQuery)) {
                return new Credentials.Password(queryValue(rawQuery, "os_username"));
            }
            return new Credentials.None(cookies == null ? List.of() : cookies);
        }
        if (rawQuery != null && hasPasswordParameter(rawQuery)) {
            return new Credentials.Malformed(400, "both an Authorization header and os_password parameters");
        }
        return fromAuthorization(authorization.getValue());
    }

    private Credentials fromAuthorization(String header) {
        // RFC 9110 §11.4: scheme, then 1*SP; tolerate tabs and runs of blanks, trim both ends.
        String value = stripBlanks(header);
        int blank = 0;
        while (blank < value.length() && !isBlank(value.charAt(blank))) {
            blank++;
        }
        String scheme = value.substring(0, blank);
        String rest = stripBlanks(value.substring(blank));
        if (rest.isEmpty()) {
            if (spotter.spotIn(scheme)) {
                return new Credentials.Malformed(
                        401, "a token without a scheme is not accepted; " + ONLY_IN_AUTHORIZATION);
            }
            if (scheme.equalsIgnoreCase("Bearer")) {
                return new Credentials.Malformed(401, "Bearer without a token");
            }
        }
        if (scheme.equalsIgnoreCase("Bearer")) {
            return new Credentials.Token(rest, false);
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            return fromBasic(rest);
        }
        if (spotter.spotIn(value)) {
            return new Credentials.Malformed(
                    401,
                    "a token under the '" + (spotter.spotIn(scheme) ? "?" : scheme) + "' scheme is not accepted; "
                            + ONLY_IN_AUTHORIZATION);
        }
        return new Credentials.OtherScheme(scheme);
    }

    private Credentials fromBasic(String encoded) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            return new Credentials.Malformed(400, "Basic credentials are not valid base64");
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return new Credentials.Malformed(400, "Basic credentials are not UTF-8");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            if (spotter.spotIn(decoded)) {
                return new Credentials.Malformed(401, "Basic credentials without ':'; put the token in the password");
            }
            return new Credentials.Malformed(400, "Basic credentials without ':'");
        }
        String username = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        // RFC 7617 puts the secret in the password; a token there is a token whatever the username.
        if (password.startsWith(format.prefix()) || password.strip().startsWith(format.prefix())) {
            return new Credentials.Token(password, true);
        }
        if (username.startsWith(format.prefix()) && password.isEmpty()) {
            return new Credentials.Token(username, true);
        }
        if (spotter.spotIn(username) || spotter.spotIn(password)) {
            // A token next to a password, or inside one: neither verified nor passed on.
            return new Credentials.Malformed(
                    401,
                    "a token inside Basic credentials is accepted only as the password "
                            + "(or as the username with an empty password)");
        }
        return new Credentials.Password(username);
    }

    private static String stripBlanks(String text) {
        int from = 0;
        int to = text.length();
        while (from < to && isBlank(text.charAt(from))) {
            from++;
        }
        while (to > from && isBlank(text.charAt(to - 1))) {
            to--;
        }
        return from == 0 && to == text.length() ? text : text.substring(from, to);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean hasPasswordParameter(String rawQuery) {
        for (String pair : rawQuery.split("&")) {
            String name = pair.split("=", 2)[0];
            String decoded = decodeQuery(name);
            if (decoded != null
                    && (decoded.equalsIgnoreCase("os_password")
                            || decoded.equalsIgnoreCase("os_username")
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
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
