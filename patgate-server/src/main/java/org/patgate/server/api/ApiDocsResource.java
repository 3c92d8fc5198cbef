package org.patgate.server.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.http.Exchange;

/**
 * {@code GET /openapi.yaml}: the OpenAPI 3.1 description of this API ({@code docs/openapi.yaml},
 * packaged into the jar by the build), without authentication so that tools can fetch it.
 * Thread-safe.
 */
public final class ApiDocsResource {

    /** Where the build puts {@code docs/openapi.yaml} on the class path. */
    public static final String OPENAPI_RESOURCE = "/org/patgate/server/api/openapi.yaml";

    /** RFC 9512. */
    static final String YAML = "application/yaml";

    private final byte[] openApi;

    public ApiDocsResource() {
        this.openApi = load();
    }

    void openApi(Exchange exchange) {
        if (openApi == null) {
            throw new NotFoundException("this build does not contain the API description");
        }
        exchange.sendBytes(200, YAML, openApi);
    }

    private static byte[] load() {
        try (InputStream in = ApiDocsResource.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + OPENAPI_RESOURCE, e);
        }
    }
}
