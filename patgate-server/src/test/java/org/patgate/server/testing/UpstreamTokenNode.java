package org.patgate.server.testing;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.patgate.server.config.UpstreamProduct;

/**
 * A node in identity mode {@code upstream-token} in front of a fake of a stock Atlassian product,
 * on an H2 database and a credential key file in {@code dir}; {@link #close()} stops both.
 */
public record UpstreamTokenNode(FakeAtlassian product, TestServer node) implements AutoCloseable {

    /** A fake of {@code product} at its root and a node in front of it. */
    public static UpstreamTokenNode start(UpstreamProduct product, Path dir) throws Exception {
        FakeAtlassian fake = FakeAtlassian.start(product, Clock.systemUTC(), "");
        try {
            Map<String, String> env = new HashMap<>();
            env.put("PATGATE_UPSTREAM_URL", fake.url());
            env.put("PATGATE_UPSTREAM_PRODUCT", product.name().toLowerCase(java.util.Locale.ROOT));
            env.put("PATGATE_IDENTITY_MODE", "upstream-token");
            env.put(
                    "PATGATE_UPSTREAM_CREDENTIALKEYFILE",
                    dir.resolve("upstream.key").toString());
            return new UpstreamTokenNode(
                    fake,
                    TestServer.start(dir, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "", "", env));
        } catch (RuntimeException e) {
            fake.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            node.close();
        } finally {
            product.close();
        }
    }
}
