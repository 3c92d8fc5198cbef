package org.patgate.server.gateway;

import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.patgate.core.decision.ReadOnlyPolicy;

/**
 * What a request's head says that the decision needs beyond method and path: the one
 * {@code Content-Type} a lenient upstream would read, and whether anything asks the upstream to act as
 * another method. Stateless.
 */
final class RequestSignals {

    private static final List<String> OVERRIDE_HEADER_KEYS =
            ReadOnlyPolicy.OVERRIDE_HEADERS.stream().map(HeaderNames::key).toList();

    private RequestSignals() {}

    /**
     * The {@code Content-Type} value when exactly one field carries it, in any spelling a lenient
     * upstream reads as {@code Content-Type}; otherwise null (none, or several to choose between).
     */
    static String contentType(HttpFields headers) {
        String value = null;
        for (org.eclipse.jetty.http.HttpField field : headers) {
            if (HeaderNames.hasKey(field.getName(), "content-type")) {
                if (value != null) {
                    return null;
                }
                value = field.getValue();
            }
        }
        return value;
    }

    /** Method-override headers or a {@code _method} parameter: a way to smuggle a write past read-only. */
    static boolean hasMethodOverride(HttpFields headers, String rawQuery) {
        for (org.eclipse.jetty.http.HttpField field : headers) {
            if (HeaderNames.hasAnyKey(field.getName(), OVERRIDE_HEADER_KEYS)) {
                return true;
            }
        }
        if (rawQuery == null) {
            return false;
        }
        for (String pair : rawQuery.split("&")) {
            String decoded = CredentialExtractor.decodeQuery(pair.split("=", 2)[0]);
            if (decoded == null || decoded.strip().equalsIgnoreCase("_method")) {
                return true;
            }
        }
        return false;
    }
}
