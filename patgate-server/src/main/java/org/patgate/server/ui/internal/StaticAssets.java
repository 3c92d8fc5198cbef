package org.patgate.server.ui.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The UI's static files, read from the class path once at start and served from memory: our own
 * CSS and JavaScript, and the htmx and uPlot webjars. Only the listed names exist; nothing is
 * looked up by a client-supplied path. Thread-safe.
 */
public final class StaticAssets {

    /** An asset's bytes, type, validator and caching rule. */
    public record Asset(byte[] bytes, String contentType, String etag, String cacheControl) {
        public ByteBuffer buffer() {
            return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        }
    }

    private static final String OWN = "org/patgate/server/ui/static/";
    // Our own files may change with every release: browsers revalidate (cheap 304s).
    private static final String REVALIDATE = "no-cache";
    // Vendor files: the URL names the version, so the content behind it never changes.
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";

    private final Map<String, Asset> assets = new LinkedHashMap<>();
    private final Views.AssetPaths paths;

    private final String swaggerUiJs;
    private final String swaggerUiCss;

    public StaticAssets(String htmxVersion, String uplotVersion, String swaggerUiVersion) {
        add("app.css", OWN + "app.css", "text/css; charset=utf-8", REVALIDATE);
        add("app.js", OWN + "app.js", "text/javascript; charset=utf-8", REVALIDATE);
        add(
                "vendor/htmx-" + htmxVersion + ".min.js",
                "META-INF/resources/webjars/htmx.org/" + htmxVersion + "/dist/htmx.min.js",
                "text/javascript; charset=utf-8",
                IMMUTABLE);
        add(
                "vendor/uPlot-" + uplotVersion + ".min.js",
                "META-INF/resources/webjars/uplot/" + uplotVersion + "/dist/uPlot.iife.min.js",
                "text/javascript; charset=utf-8",
                IMMUTABLE);
        add(
                "vendor/uPlot-" + uplotVersion + ".min.css",
                "META-INF/resources/webjars/uplot/" + uplotVersion + "/dist/uPlot.min.css",
                "text/css; charset=utf-8",
                IMMUTABLE);
        add(
                "vendor/swagger-ui-" + swaggerUiVersion + ".js",
                "META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion + "/swagger-ui-bundle.js",
                "text/javascript; charset=utf-8",
                IMMUTABLE);
        add(
                "vendor/swagger-ui-" + swaggerUiVersion + ".css",
                "META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion + "/swagger-ui.css",
                "text/css; charset=utf-8",
                IMMUTABLE);
        add("api-docs.js", OWN + "api-docs.js", "text/javascript; charset=utf-8", REVALIDATE);
        add("usage.js", OWN + "usage.js", "text/javascript; charset=utf-8", REVALIDATE);
        String base = "/.patgate/static/";
        swaggerUiJs = base + "vendor/swagger-ui-" + swaggerUiVersion + ".js";
        swaggerUiCss = base + "vendor/swagger-ui-" + swaggerUiVersion + ".css";
        paths = new Views.AssetPaths(
                base + "vendor/htmx-" + htmxVersion + ".min.js",
                base + "vendor/uPlot-" + uplotVersion + ".min.js",
                base + "vendor/uPlot-" + uplotVersion + ".min.css");
    }

    public Views.AssetPaths paths() {
        return paths;
    }

    /** Where Swagger UI's script is served (versioned, immutable). */
    public String swaggerUiJs() {
        return swaggerUiJs;
    }

    /** Where Swagger UI's style sheet is served (versioned, immutable). */
    public String swaggerUiCss() {
        return swaggerUiCss;
    }

    /** The asset at {@code name} (the path after {@code /.patgate/static/}), or null. */
    public Asset get(String name) {
        return assets.get(name);
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(assets.keySet());
    }

    private void add(String name, String resource, String contentType, String cacheControl) {
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("UI asset " + resource + " is missing from the class path");
            }
            byte[] bytes = in.readAllBytes();
            String etag = "\""
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12) + "\"";
            assets.put(name, new Asset(bytes, contentType, etag, cacheControl));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read UI asset " + resource, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
