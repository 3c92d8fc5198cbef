package org.patgate.server.gateway;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.content.ByteBufferContentSource;
import org.eclipse.jetty.server.Request;

/**
 * Looks into {@code application/x-www-form-urlencoded} bodies on REST paths while passwords are
 * blocked, because servlet upstreams read form fields like query parameters: Jira's Seraph logs in
 * with {@code os_username}/{@code os_password} from either. Such a body is read whole, up to
 * {@value #LIMIT} bytes (larger form bodies there are refused with 413, without being read), checked,
 * and then replayed to the upstream unchanged; every other body streams as before. Multipart bodies are
 * not looked into (servlet containers do not read their fields as login parameters). The same look
 * refuses a {@code _method} form field on requests made with a token that has rules (some frameworks
 * read it as the method), wherever the path. Thread-safe.
 */
final class FormPasswordGuard {

    /** Form bodies on REST paths are small (a login, a search); uploads are multipart or JSON. */
    static final int LIMIT = 64 * 1024;

    /** The outcome: forward this (replayed) request, or refuse. */
    interface Outcome {
        void forward(Request replayed);

        void refuse(GatewayDecision.Refuse refusal);
    }

    private FormPasswordGuard() {}

    /** Whether any Content-Type of the request is form-urlencoded (parameters and case ignored). */
    static boolean isForm(HttpFields headers) {
        for (HttpField field : headers) {
            if (field.getHeader() == HttpHeader.CONTENT_TYPE) {
                String value = field.getValue();
                int semicolon = value.indexOf(';');
                String type = (semicolon < 0 ? value : value.substring(0, semicolon)).strip();
                if (type.equalsIgnoreCase("application/x-www-form-urlencoded")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Reads the form body of {@code request} and lets the gate look into it ({@link GatewayGate#inspectBody}). */
    static void inspect(Request request, GatewayGate gate, GatewayGate.Verdict verdict, Outcome outcome) {
        GatewayDecision.Refuse early = checkHead(request.getHeaders(), request.getLength());
        if (early != null) {
            outcome.refuse(early);
            return;
        }
        Content.Source.asByteArrayAsync(request, LIMIT).whenComplete((body, failure) -> {
            GatewayDecision.Refuse refusal = gate.inspectBody(verdict, failure != null ? null : body);
            if (refusal != null) {
                outcome.refuse(refusal);
            } else {
                outcome.forward(new Replayed(request, body));
            }
        });
    }

    /**
     * What the head alone refuses before the body is read: an encoded (compressed) form, or one
     * declared larger than {@link #LIMIT}; null when the body is to be read.
     *
     * @param length the declared length, or -1 when unknown (chunked)
     */
    static GatewayDecision.Refuse checkHead(HttpFields headers, long length) {
        String encoding = headers.get(HttpHeader.CONTENT_ENCODING);
        if (encoding != null && !encoding.strip().equalsIgnoreCase("identity")) {
            // A compressed form cannot be looked into without inflating it; an upstream that inflates would read it.
            return new GatewayDecision.Refuse(
                    415,
                    "unsupported-media-type",
                    "Unsupported Media Type",
                    "encoded (compressed) form bodies are not accepted where the gateway looks into them (REST "
                            + "paths while password authentication is blocked, tokens with rules)",
                    false,
                    null);
        }
        return length > LIMIT ? tooLarge() : null;
    }

    /**
     * Looks into a whole form body.
     *
     * @param body               the body, or null when it was larger than {@link #LIMIT}
     * @param decider            asked about password fields, or null when passwords are not blocked here
     * @param overrideRefusedFor the id of a token with rules, whose requests may not carry a
     *                           {@code _method} form field; null when overrides are not looked for
     * @return null to forward the body, else the refusal
     */
    static GatewayDecision.Refuse check(
            HttpFields headers, byte[] body, AccessDecider decider, String overrideRefusedFor) {
        GatewayDecision.Refuse early = checkHead(headers, body == null ? LIMIT + 1L : body.length);
        if (early != null) {
            return early;
        }
        FormFields fields = FormFields.of(body);
        if (overrideRefusedFor != null && fields.methodOverride()) {
            return GatewayDecision.Refuse.forbidden(
                            "this token's rules do not allow method overrides " + "(a '_method' form field)",
                            overrideRefusedFor)
                    .because("token-rules");
        }
        String username = decider == null ? null : fields.passwordUsername();
        return username == null ? null : decider.refuseFormPassword(username);
    }

    private static GatewayDecision.Refuse tooLarge() {
        return new GatewayDecision.Refuse(
                413,
                "content-too-large",
                "Content Too Large",
                "form-encoded bodies are limited to " + LIMIT + " bytes where the gateway looks into them (REST "
                        + "paths while password authentication is blocked, tokens with rules); send JSON, or multipart "
                        + "for uploads",
                false,
                null);
    }

    /**
     * What the gateway looks for in a form, found in one pass (field names decoded, case and blanks
     * ignored).
     *
     * @param passwordUsername the {@code os_username} value ("" when absent) when the form has any of
     *                         {@code os_username}, {@code os_password}, {@code os_authType}; else null
     * @param methodOverride   whether the form has a {@code _method} field
     */
    record FormFields(String passwordUsername, boolean methodOverride) {

        static FormFields of(byte[] body) {
            boolean password = false;
            boolean override = false;
            String username = "";
            for (String pair : new String(body, StandardCharsets.ISO_8859_1).split("&")) {
                int equals = pair.indexOf('=');
                String name = decode(equals < 0 ? pair : pair.substring(0, equals))
                        .strip()
                        .toLowerCase(Locale.ROOT);
                switch (name) {
                    case "os_username" -> {
                        password = true;
                        username = equals < 0 ? "" : decode(pair.substring(equals + 1));
                    }
                    case "os_password", "os_authtype" -> password = true;
                    case "_method" -> override = true;
                    default -> {}
                }
            }
            return new FormFields(password ? username : null, override);
        }
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return TokenSpotter.percentDecodeLeniently(raw.replace('+', ' '));
        }
    }

    /** The client's request with its body, already read, served again to the proxy. */
    private static final class Replayed extends Request.Wrapper {
        private final Content.Source body;
        private final long length;

        Replayed(Request request, byte[] bytes) {
            super(request);
            this.body = new ByteBufferContentSource(ByteBuffer.wrap(bytes));
            this.length = bytes.length;
        }

        @Override
        public long getLength() {
            return length;
        }

        @Override
        public Content.Chunk read() {
            return body.read();
        }

        @Override
        public void demand(Runnable demandCallback) {
            body.demand(demandCallback);
        }

        @Override
        public void fail(Throwable failure) {
            body.fail(failure);
        }

        @Override
        public boolean consumeAvailable() {
            Content.Source.consumeAll(body, org.eclipse.jetty.util.Callback.NOOP);
            return true;
        }
    }
}
