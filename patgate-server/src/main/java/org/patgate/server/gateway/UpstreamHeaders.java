package org.patgate.server.gateway;

import java.net.InetAddress;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.patgate.core.token.Scope;

/**
 * The header set an allowed request carries to the upstream, whichever data plane forwards it. From
 * the client's headers it drops the hop-by-hop ones (RFC 9110 §7.6.1: {@code Connection} and what it
 * names, {@code Keep-Alive}, {@code TE}, {@code Transfer-Encoding}, {@code Upgrade}, {@code
 * HTTP2-Settings} even when {@code Connection} does not name it, ...; the
 * forwarder frames the body itself), every client-sent copy of the identity header (any case, '_' or
 * '.' variants), X-Original-URL, X-Rewrite-URL, the X-Forwarded-* and Forwarded headers, a PATgate
 * token, and for a read-only token every spelling of {@code X-Atlassian-Token} (see {@link
 * #XSRF_OPT_OUT}). It then sets the identity of the token owner, the owner's native upstream token in
 * identity mode {@code upstream-token} (without the client's cookies), X-Forwarded-For/Proto/Host and
 * Forwarded from what PATgate itself knows, and appends itself to {@code Via}. {@code Host} is kept.
 * Thread-safe.
 */
public final class UpstreamHeaders {

    private static final Set<HttpHeader> HOP_BY_HOP = EnumSet.of(
            HttpHeader.CONNECTION,
            HttpHeader.KEEP_ALIVE,
            HttpHeader.PROXY_AUTHORIZATION,
            HttpHeader.PROXY_AUTHENTICATE,
            HttpHeader.PROXY_CONNECTION,
            HttpHeader.TRANSFER_ENCODING,
            HttpHeader.TE,
            HttpHeader.TRAILER,
            HttpHeader.UPGRADE);

    private static final List<String> ALWAYS_REMOVED = List.of(
            "x-original-url",
            "x-rewrite-url",
            "x-forwarded-for",
            "x-forwarded-proto",
            "x-forwarded-host",
            "x-forwarded-port",
            "x-forwarded-server",
            "x-real-ip",
            "forwarded",
            // RFC 7540 §3.2.1: HTTP2-Settings belongs to one hop's h2c upgrade, which never goes upstream
            // (and some clients send it without naming it in Connection).
            "http2-settings");

    /**
     * Jira and Confluence skip their XSRF check for a request with {@code X-Atlassian-Token: no-check}.
     * Removed from requests made with a read-only token, so that such a token can never switch off the
     * product's protection of a state-changing web action; kept for read-write tokens, whose REST
     * clients need it (attachments are multipart uploads).
     */
    static final String XSRF_OPT_OUT = "x-atlassian-token";

    /** How PATgate names itself in {@code Via}: not the machine's host name. */
    private static final String VIA_NAME = "patgate";

    private final String identityHeader;
    private final String identityKey;
    private final Function<GatewayDecision.Forward, String> identityValue;

    /**
     * @param identityHeader the identity header: client-sent copies are always removed
     * @param identityValue  its value for a request made with a token (the username, or a signed JWT),
     *                       or null to send none (identity mode {@code none})
     */
    public UpstreamHeaders(String identityHeader, Function<GatewayDecision.Forward, String> identityValue) {
        this.identityHeader = identityHeader;
        this.identityKey = HeaderNames.key(identityHeader);
        this.identityValue = identityValue;
    }

    /**
     * Where {@link #build(HttpFields, GatewayDecision.Forward, InetAddress, boolean, String, Sink)} writes
     * the upstream header set: a data plane's own header type, so nothing is copied twice.
     */
    public interface Sink {
        /** Adds a field of the client's that goes on as sent. */
        void add(HttpField field);

        /** Sets a field, replacing any of that name (in any case). */
        void put(String name, String value);

        default void put(HttpHeader header, String value) {
            put(header.asString(), value);
        }
    }

    /** Jetty's mutable fields as a {@link Sink}. */
    public static Sink into(HttpFields.Mutable fields) {
        return new FieldsSink(fields);
    }

    private record FieldsSink(HttpFields.Mutable fields) implements Sink {
        @Override
        public void add(HttpField field) {
            fields.add(field);
        }

        @Override
        public void put(String name, String value) {
            fields.put(name, value);
        }

        @Override
        public void put(HttpHeader header, String value) {
            fields.put(header, value);
        }
    }

    /**
     * The headers for the upstream.
     *
     * @param client   the client's address as PATgate resolved it
     * @param secure   whether the client reached PATgate over TLS
     * @param protocol the client's protocol, e.g. {@code HTTP/1.1} or {@code HTTP/2.0}, for {@code Via}
     */
    public HttpFields.Mutable build(
            HttpFields clientHeaders,
            GatewayDecision.Forward decision,
            InetAddress client,
            boolean secure,
            String protocol) {
        HttpFields.Mutable headers = HttpFields.build(clientHeaders.size() + 6);
        build(clientHeaders, decision, client, secure, protocol, new FieldsSink(headers));
        return headers;
    }

    /** As {@link #build(HttpFields, GatewayDecision.Forward, InetAddress, boolean, String)}, into {@code headers}. */
    public void build(
            HttpFields clientHeaders,
            GatewayDecision.Forward decision,
            InetAddress client,
            boolean secure,
            String protocol,
            Sink headers) {
        Set<String> connectionNamed = connectionNamed(clientHeaders);
        boolean readOnly = decision.token() != null && decision.token().scope() == Scope.READ_ONLY;
        StringBuilder via = null;
        for (HttpField field : clientHeaders) {
            HttpHeader known = field.getHeader();
            String name = field.getName();
            if (known == HttpHeader.VIA) {
                via = appendValue(via, field.getValue());
                continue;
            }
            if ((known != null && HOP_BY_HOP.contains(known))
                    || (connectionNamed != null && connectionNamed.contains(field.getLowerCaseName()))
                    || HeaderNames.hasKey(name, identityKey)
                    || HeaderNames.hasAnyKey(name, ALWAYS_REMOVED)
                    || (decision.removeAuthorization() && known == HttpHeader.AUTHORIZATION)
                    || (readOnly && HeaderNames.hasKey(name, XSRF_OPT_OUT))
                    || (decision.upstreamBearer() != null
                            && (known == HttpHeader.COOKIE || known == HttpHeader.AUTHORIZATION))) {
                continue;
            }
            headers.add(field);
        }
        if (identityValue != null && decision.identity() != null) {
            headers.put(identityHeader, identityValue.apply(decision));
        }
        if (decision.upstreamBearer() != null) {
            // The product acts as the token owner, and only as them: no session of whoever holds the token.
            headers.put(HttpHeader.AUTHORIZATION, "Bearer " + decision.upstreamBearer());
        }
        String address = client.getHostAddress();
        String host = clientHeaders.get(HttpHeader.HOST);
        String proto = secure ? "https" : "http";
        headers.put(HttpHeader.X_FORWARDED_FOR, address);
        headers.put(HttpHeader.X_FORWARDED_PROTO, proto);
        if (host != null) {
            headers.put(HttpHeader.X_FORWARDED_HOST, host);
        }
        // RFC 7239: IPv6 addresses are quoted and bracketed.
        String forNode = address.contains(":") ? "\"[" + address + "]\"" : address;
        headers.put(
                HttpHeader.FORWARDED,
                "for=" + forNode + ";proto=" + proto
                        + (host == null ? "" : ";host=" + HttpField.PARAMETER_TOKENIZER.quote(host)));
        headers.put(
                HttpHeader.VIA,
                appendValue(via, viaVersion(protocol) + " " + VIA_NAME).toString());
    }

    /** The names a {@code Connection} header lists (lower case), or null when there is none. */
    private static Set<String> connectionNamed(HttpFields headers) {
        Set<String> names = null;
        for (HttpField field : headers) {
            if (field.getHeader() == HttpHeader.CONNECTION) {
                for (String name : field.getValue().split(",")) {
                    if (names == null) {
                        names = new HashSet<>();
                    }
                    names.add(name.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    private static StringBuilder appendValue(StringBuilder joined, String value) {
        if (value == null || value.isBlank()) {
            return joined;
        }
        if (joined == null) {
            return new StringBuilder(value.strip());
        }
        return joined.append(", ").append(value.strip());
    }

    /** RFC 9110 §7.6.3: the protocol name is left out when it is HTTP. */
    private static String viaVersion(String protocol) {
        return protocol.regionMatches(true, 0, "HTTP/", 0, 5) ? protocol.substring(5) : protocol;
    }
}
