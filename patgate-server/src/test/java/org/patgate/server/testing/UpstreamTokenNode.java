package org.patgate.server.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.patgate.server.config.UpstreamProduct;

/**
 * A node in identity mode {@code upstream-token} in front of a fake of a stock Atlassian product,
 * on an H2 database and a credential key file in a directory of its own. Either started now and
 * closed by the caller ({@link #start}), or, registered on a static field, for a test class
 * ({@link #forClass}, in a scratch directory deleted afterwards):
 *
 * <pre>{@code
 * @RegisterExtension
 * static final UpstreamTokenNode jiraNode = UpstreamTokenNode.forClass(UpstreamProduct.JIRA);
 * }</pre>
 */
public final class UpstreamTokenNode implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    private final UpstreamProduct kind;
    private Path dir;
    private FakeAtlassian product;
    private TestServer node;

    private UpstreamTokenNode(UpstreamProduct kind) {
        this.kind = kind;
    }

    /** Started and stopped around the test class that registers it. */
    public static UpstreamTokenNode forClass(UpstreamProduct product) {
        return new UpstreamTokenNode(product);
    }

    /** A fake of {@code product} at its root and a node in front of it, in {@code dir}, started now. */
    public static UpstreamTokenNode start(UpstreamProduct product, Path dir) throws Exception {
        return start(product, dir, Map.of());
    }

    /** As {@link #start(UpstreamProduct, Path)}, with env overrides an operator would set besides. */
    public static UpstreamTokenNode start(UpstreamProduct product, Path dir, Map<String, String> extraEnv)
            throws Exception {
        UpstreamTokenNode started = new UpstreamTokenNode(product);
        started.extraEnv = Map.copyOf(extraEnv);
        started.startIn(dir);
        return started;
    }

    private Map<String, String> extraEnv = Map.of();

    private void startIn(Path directory) throws Exception {
        dir = directory;
        product = FakeAtlassian.start(kind, Clock.systemUTC(), "");
        Map<String, String> env = new HashMap<>();
        env.put("PATGATE_UPSTREAM_URL", product.url());
        env.put("PATGATE_UPSTREAM_PRODUCT", kind.name().toLowerCase(Locale.ROOT));
        env.put("PATGATE_IDENTITY_MODE", "upstream-token");
        env.put("PATGATE_UPSTREAM_CREDENTIALKEYFILE", keyFile().toString());
        env.putAll(extraEnv);
        node = TestServer.start(dir, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "", "", env);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        startIn(Files.createTempDirectory("patgate-upstream-token"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            close();
        } finally {
            FileTrees.deleteQuietly(dir);
        }
    }

    public FakeAtlassian product() {
        return product;
    }

    public TestServer node() {
        return node;
    }

    /** The node's {@code upstream.credentialKeyFile}. */
    public Path keyFile() {
        return dir.resolve("upstream.key");
    }

    @Override
    public void close() throws Exception {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            if (product != null) {
                product.close();
            }
        }
    }
}
